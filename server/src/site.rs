//! Where the built site lives and how it is named: read at run time from `Leptos.toml` (which
//! cargo-leptos ignores), so the binary runs without cargo-leptos around it.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use leptos::config::{Env, LeptosOptions};
use serde::Deserialize;

use crate::{cli::ServeArgs, StartupError};

const DEFAULT_APP_ADDR: &str = "127.0.0.1:3000";
const DEFAULT_HLS_ADDR: &str = "127.0.0.1:4000";
const CONFIG_FILE_NAME: &str = "Leptos.toml";

/// The contents of `Leptos.toml`; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct SiteFile {
    output_name: Option<String>,
    site_root: Option<PathBuf>,
    site_pkg_dir: Option<String>,
    site_addr: Option<SocketAddr>,
    hls_addr: Option<SocketAddr>,
}

/// Everything `serve` needs to know about the site and its listeners.
#[derive(Debug, Clone)]
pub struct Site {
    pub options: LeptosOptions,
    pub app_addr: SocketAddr,
    pub hls_addr: SocketAddr,
}

impl Site {
    /// Flags and environment first, then the site configuration file, then built-in defaults.
    pub fn resolve(args: &ServeArgs) -> Result<Site, StartupError> {
        let (file, file_dir) = match find_config_file(args.site_config.as_deref())? {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|err| {
                    StartupError::Config(format!("cannot read {}: {err}", path.display()))
                })?;
                let file: SiteFile = toml::from_str(&text)
                    .map_err(|err| StartupError::Config(format!("{}: {err}", path.display())))?;
                tracing::info!(path = %path.display(), "site configuration loaded");
                (file, path.parent().map(Path::to_path_buf))
            }
            None => (SiteFile::default(), None),
        };

        let site_root = match (&args.site_root, &file.site_root, &file_dir) {
            (Some(root), _, _) => root.clone(),
            (None, Some(root), Some(dir)) => dir.join(root),
            _ => next_to_binary("site"),
        };
        let output_name = file.output_name.unwrap_or_else(|| "streamgate".to_owned());
        let site_pkg_dir = file.site_pkg_dir.unwrap_or_else(|| "pkg".to_owned());
        let app_addr = args
            .app_addr
            .or(file.site_addr)
            .unwrap_or_else(|| DEFAULT_APP_ADDR.parse().expect("default address"));
        let hls_addr = args
            .hls_addr
            .or(file.hls_addr)
            .unwrap_or_else(|| DEFAULT_HLS_ADDR.parse().expect("default address"));

        let bundle = site_root
            .join(&site_pkg_dir)
            .join(format!("{output_name}.js"));
        // An edge serves no pages.
        if args.hls.role == crate::cli::ServeRole::App {
            check_bundle(&bundle)?;
        }

        let options = LeptosOptions::builder()
            .output_name(output_name)
            .site_root(site_root.to_string_lossy().into_owned())
            .site_pkg_dir(site_pkg_dir)
            .site_addr(app_addr)
            .env(Env::PROD)
            .build();
        Ok(Site {
            options,
            app_addr,
            hls_addr,
        })
    }
}

/// What `--split` leaves in place of the lazy routes' loader when it is not given: a bundle
/// importing this module can never hydrate.
const UNSPLIT_MARKER: &str = "__wasm_split_placeholder__";

/// Warns when the bundle is missing (pages still render), and refuses a bundle built without
/// `--split`: its pages would load but never hydrate, and only the browser console would say so.
fn check_bundle(bundle: &Path) -> Result<(), StartupError> {
    let Ok(script) = std::fs::read_to_string(bundle) else {
        tracing::warn!(
            missing = %bundle.display(),
            "the browser bundle is missing: pages will render but not become interactive \
             (build it with `scripts/build.sh`, or set STREAMGATE_SITE_ROOT)"
        );
        return Ok(());
    };
    if script.contains(UNSPLIT_MARKER) {
        return Err(StartupError::Config(format!(
            "the site bundle {} was built without --split, so its pages would never become \
             interactive: rebuild it with `cargo leptos build --release --split` (scripts/build.sh does)",
            bundle.display()
        )));
    }
    Ok(())
}

/// The explicit file if given (it must exist); else `./Leptos.toml`; else the one in the source
/// tree this binary was built from, so a built checkout runs from any directory.
fn find_config_file(explicit: Option<&Path>) -> Result<Option<PathBuf>, StartupError> {
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(Some(path.to_path_buf()))
        } else {
            Err(StartupError::Config(format!(
                "site configuration {} does not exist",
                path.display()
            )))
        };
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Ok([
        PathBuf::from(CONFIG_FILE_NAME),
        workspace.join(CONFIG_FILE_NAME),
    ]
    .into_iter()
    .find(|candidate| candidate.is_file())
    .map(|found| found.canonicalize().unwrap_or(found)))
}

fn next_to_binary(name: &str) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .unwrap_or_else(|| PathBuf::from(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn serve_args(extra: &[&str]) -> ServeArgs {
        let cli =
            crate::cli::Cli::try_parse_from(["streamgate", "serve"].iter().chain(extra)).unwrap();
        match cli.command {
            crate::cli::Command::Serve(args) => *args,
            _ => unreachable!(),
        }
    }

    #[test]
    fn config_file_paths_are_relative_to_the_file_and_flags_win() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("Leptos.toml");
        std::fs::write(
            &config,
            "output-name = \"sg\"\nsite-root = \"built\"\nsite-addr = \"127.0.0.1:7000\"\nhls-addr = \"127.0.0.1:7001\"\n",
        )
        .unwrap();
        let config = config.to_str().unwrap();

        let site = Site::resolve(&serve_args(&["--site-config", config])).unwrap();
        assert_eq!(&*site.options.output_name, "sg");
        assert_eq!(
            Path::new(&*site.options.site_root),
            dir.path().join("built")
        );
        assert_eq!(site.app_addr, "127.0.0.1:7000".parse().unwrap());
        assert_eq!(site.hls_addr, "127.0.0.1:7001".parse().unwrap());

        let site = Site::resolve(&serve_args(&[
            "--site-config",
            config,
            "--app-addr",
            "127.0.0.1:9000",
            "--site-root",
            "/srv/site",
        ]))
        .unwrap();
        assert_eq!(site.app_addr, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(site.hls_addr, "127.0.0.1:7001".parse().unwrap());
        assert_eq!(&*site.options.site_root, "/srv/site");
    }

    #[test]
    fn unknown_keys_and_missing_files_are_configuration_errors() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("Leptos.toml");
        std::fs::write(&config, "site-adr = \"127.0.0.1:1\"\n").unwrap();
        let err =
            Site::resolve(&serve_args(&["--site-config", config.to_str().unwrap()])).unwrap_err();
        assert!(err.to_string().contains("site-adr"), "{err}");

        let missing = dir.path().join("nope.toml");
        let err =
            Site::resolve(&serve_args(&["--site-config", missing.to_str().unwrap()])).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
