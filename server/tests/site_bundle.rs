//! `serve` refuses a site whose browser bundle was built without `cargo leptos build --split`:
//! its pages would load and never hydrate, with only the browser console saying why.

mod common;

use std::{
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use common::{free_port, streamgate};

/// A data directory with a site root (`site/`) whose `pkg/streamgate.js` has `script` as its
/// text.
fn site_with_bundle(script: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/streamgate.js"), script).unwrap();
    (dir, site)
}

fn serve(data_dir: &Path, site_root: &Path) -> Command {
    let mut command = streamgate(data_dir, None);
    command
        .arg("serve")
        .arg("--site-root")
        .arg(site_root)
        .env("STREAMGATE_APP_ADDR", free_port().to_string())
        .env("STREAMGATE_HLS_ADDR", free_port().to_string());
    command
}

#[test]
fn a_site_built_without_split_is_refused_with_the_command_to_run() {
    // What cargo-leptos leaves in the bundle of the lazy routes without `--split`.
    let (dir, site) = site_with_bundle(
        "import * as split from \"__wasm_split_placeholder__\";\nexport default function init() {}\n",
    );
    let output = serve(dir.path(), &site).output().unwrap();
    assert!(!output.status.success());
    let log = String::from_utf8_lossy(&output.stderr);
    let bundle = site.join("pkg/streamgate.js");
    assert!(
        log.contains(&format!(
            "configuration: the site bundle {} was built without --split, so its pages would \
             never become interactive: rebuild it with `cargo leptos build --release --split` \
             (scripts/build.sh does)",
            bundle.display()
        )),
        "{log}"
    );
}

#[test]
fn a_split_site_is_served() {
    let (dir, site) =
        site_with_bundle("import * as split from \"./__wasm_split.______________________.js\";\n");
    let app = free_port();
    let mut command = serve(dir.path(), &site);
    command.env("STREAMGATE_APP_ADDR", app.to_string());
    let mut child = command.stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(app).is_err() {
        assert!(child.try_wait().unwrap().is_none(), "serve exited");
        assert!(Instant::now() < deadline, "serve did not come up");
        std::thread::sleep(Duration::from_millis(100));
    }
    let reply = common::get(&format!("http://{app}/pkg/streamgate.js"), &[]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("./__wasm_split."), "{}", reply.body);
}
