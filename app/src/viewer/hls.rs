//! hls.js, driven from Rust. The library (npm `hls.js`, version pinned in package-lock.json) is
//! copied to `/vendor/hls.min.mjs` by the build and imported only when a player starts, so the
//! pages that do not play never download it.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const MODULE_URL: &str = "/vendor/hls.min.mjs";

pub const MANIFEST_PARSED: &str = "hlsManifestParsed";
pub const FRAG_LOADED: &str = "hlsFragLoaded";
pub const ERROR: &str = "hlsError";

#[wasm_bindgen(
    inline_js = "export function importHls(url) { return import(url).then((m) => m.default); }"
)]
extern "C" {
    #[wasm_bindgen(js_name = importHls)]
    fn import_hls(url: &str) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    /// An hls.js player instance.
    #[derive(Clone)]
    pub type Hls;

    #[wasm_bindgen(method, js_name = loadSource)]
    pub fn load_source(this: &Hls, url: &str);
    #[wasm_bindgen(method, js_name = attachMedia)]
    pub fn attach_media(this: &Hls, media: &web_sys::HtmlMediaElement);
    #[wasm_bindgen(method)]
    pub fn on(this: &Hls, event: &str, listener: &Function);
    #[wasm_bindgen(method, js_name = startLoad)]
    pub fn start_load(this: &Hls);
    #[wasm_bindgen(method, js_name = recoverMediaError)]
    pub fn recover_media_error(this: &Hls);
    #[wasm_bindgen(method)]
    pub fn destroy(this: &Hls);
    #[wasm_bindgen(method, getter)]
    fn levels(this: &Hls) -> Array;
    #[wasm_bindgen(method, setter, js_name = currentLevel)]
    pub fn set_current_level(this: &Hls, level: i32);
}

/// The hls.js class, or `None` where it cannot play (no Media Source Extensions: Safari on
/// iPhone, which plays HLS natively instead).
pub async fn load() -> Result<Option<Function>, JsValue> {
    let class = JsFuture::from(import_hls(MODULE_URL)).await?;
    let supported: Function = Reflect::get(&class, &"isSupported".into())?.dyn_into()?;
    let supported = supported.call0(&class)?.as_bool().unwrap_or(false);
    Ok(supported.then(|| class.unchecked_into()))
}

/// A player whose every request carries `Authorization` as `authorize` says at that moment
/// (the token changes when it is refreshed).
pub fn create(
    class: &Function,
    authorize: &Closure<dyn FnMut(web_sys::XmlHttpRequest, String)>,
) -> Result<Hls, JsValue> {
    let config = Object::new();
    Reflect::set(&config, &"xhrSetup".into(), authorize.as_ref())?;
    // A live stream's duration is infinite, as with native HLS: the player tells live from a
    // recording by it.
    Reflect::set(&config, &"liveDurationInfinity".into(), &JsValue::TRUE)?;
    Reflect::construct(class, &Array::of1(&config)).map(JsCast::unchecked_into)
}

/// One entry of the quality selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    pub index: i32,
    pub label: String,
}

/// The master playlist's variants, as "360p" (or "800 kbps" without a height).
pub fn levels(hls: &Hls) -> Vec<Level> {
    let number = |level: &JsValue, key: &str| {
        Reflect::get(level, &key.into())
            .ok()
            .and_then(|value| value.as_f64())
            .filter(|value| *value > 0.0)
    };
    hls.levels()
        .iter()
        .enumerate()
        .map(|(index, level)| Level {
            index: index as i32,
            label: match (number(&level, "height"), number(&level, "bitrate")) {
                (Some(height), _) => format!("{height:.0}p"),
                (None, Some(bitrate)) => format!("{:.0} kbps", bitrate / 1000.0),
                (None, None) => format!("Level {}", index + 1),
            },
        })
        .collect()
}

/// A fatal hls.js error: a network one (with the HTTP status, if there was an answer) or not.
#[derive(Clone, Copy, Debug)]
pub struct Fatal {
    pub network: bool,
    pub media: bool,
    pub status: Option<u16>,
}

/// The fatal error an `hlsError` event's data describes; `None` for one hls.js recovers from.
pub fn fatal(data: &JsValue) -> Option<Fatal> {
    let get = |target: &JsValue, key: &str| Reflect::get(target, &key.into()).ok();
    if !get(data, "fatal")?.as_bool()? {
        return None;
    }
    let kind = get(data, "type")
        .and_then(|kind| kind.as_string())
        .unwrap_or_default();
    let status = get(data, "response")
        .filter(|response| response.is_object())
        .and_then(|response| get(&response, "code"))
        .and_then(|code| code.as_f64())
        .map(|code| code as u16)
        .filter(|code| *code > 0);
    Some(Fatal {
        network: kind == "networkError",
        media: kind == "mediaError",
        status,
    })
}
