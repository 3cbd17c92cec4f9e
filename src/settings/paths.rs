//! Where the tool reads and writes files: the Atlas CLI's configuration (only ever read) and
//! the two caches. Worked out once here, from the same environment snapshot as every other
//! setting, so `config show`, the caches and the tests agree on every path.

use crate::settings::sources::Env;
use std::path::PathBuf;

/// The folder under the user's cache directory that holds both caches.
const CACHE_FOLDER: &str = "atlas-ear";

/// The Atlas CLI's configuration file: `$XDG_CONFIG_HOME/atlascli/config.toml`, else
/// `~/.config/atlascli/config.toml`; on macOS `~/Library/Application Support/atlascli/`, on
/// Windows `%APPDATA%\atlascli\`. These are the places the Atlas CLI itself uses.
pub fn config_file(env: &Env) -> Option<PathBuf> {
    let base = if cfg!(target_os = "macos") {
        home(env).map(|h| h.join("Library").join("Application Support"))
    } else if cfg!(windows) {
        env.absolute_path("APPDATA").or_else(dirs::config_dir)
    } else {
        env.absolute_path("XDG_CONFIG_HOME")
            .or_else(|| home(env).map(|h| h.join(".config")))
    };
    base.map(|dir| dir.join("atlascli").join("config.toml"))
}

/// Where cached service-account tokens live: `$XDG_CACHE_HOME/atlas-ear/tokens`, else
/// `~/.cache/atlas-ear/tokens`; `~/Library/Caches/atlas-ear/tokens` on macOS and
/// `%LOCALAPPDATA%\atlas-ear\tokens` on Windows.
pub fn token_cache_dir(env: &Env) -> Option<PathBuf> {
    cache_base(env).map(|dir| dir.join(CACHE_FOLDER).join("tokens"))
}

/// Where digest challenge caches live: `challenges/` next to `tokens/`. `None` with
/// `--no-cache`, or when no cache directory is known (then every process simply fetches its
/// own challenge).
pub fn challenge_cache_dir(env: &Env, no_cache: bool) -> Option<PathBuf> {
    if no_cache {
        return None;
    }
    cache_base(env).map(|dir| dir.join(CACHE_FOLDER).join("challenges"))
}

fn cache_base(env: &Env) -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        home(env).map(|h| h.join("Library").join("Caches"))
    } else if cfg!(windows) {
        env.absolute_path("LOCALAPPDATA").or_else(dirs::cache_dir)
    } else {
        env.absolute_path("XDG_CACHE_HOME")
            .or_else(|| home(env).map(|h| h.join(".cache")))
    }
}

fn home(env: &Env) -> Option<PathBuf> {
    env.absolute_path("HOME").or_else(dirs::home_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_path_prefers_xdg() {
        if cfg!(any(target_os = "macos", windows)) {
            return;
        }
        let env = Env::from_pairs([("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")]);
        assert_eq!(
            config_file(&env),
            Some(PathBuf::from("/x/atlascli/config.toml"))
        );
        let env = Env::from_pairs([("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")]);
        assert_eq!(
            config_file(&env),
            Some(PathBuf::from("/h/.config/atlascli/config.toml"))
        );
    }

    #[test]
    fn caches_follow_xdg_side_by_side() {
        if cfg!(any(target_os = "macos", windows)) {
            return;
        }
        let env = Env::from_pairs([("XDG_CACHE_HOME", "/c"), ("HOME", "/h")]);
        assert_eq!(
            token_cache_dir(&env),
            Some(PathBuf::from("/c/atlas-ear/tokens"))
        );
        assert_eq!(
            challenge_cache_dir(&env, false),
            Some(PathBuf::from("/c/atlas-ear/challenges"))
        );
        assert_eq!(challenge_cache_dir(&env, true), None);
        let env = Env::from_pairs([("HOME", "/h")]);
        assert_eq!(
            token_cache_dir(&env),
            Some(PathBuf::from("/h/.cache/atlas-ear/tokens"))
        );
    }
}
