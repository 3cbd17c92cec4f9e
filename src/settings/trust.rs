//! Which root certificates decide whether a server is trusted: the operating system's store, or
//! the bundles OpenSSL's `SSL_CERT_FILE` / `SSL_CERT_DIR` name instead, plus the extra root of
//! `--ca-cert` (`MONGODB_ATLAS_CA_CERT`).
//!
//! `--ca-cert` is read here, with the other flags, so a file that is missing, unreadable or not
//! PEM stops the run with exit 2 before any request. The variables are only recorded here and
//! read when the HTTP client is built (`http/tls.rs`): commands that send nothing (`regions`,
//! `config show`) do not read a bundle of a few hundred certificates.

use crate::cli::environment::{CA_CERT, SSL_CERT_DIR, SSL_CERT_FILE};
use crate::errors::UsageError;
use crate::escape::printable;
use crate::settings::sources::{Env, Source, Sourced, layered};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::fmt;
use std::path::{Path, PathBuf};

/// Where trusted roots come from.
#[derive(Debug)]
pub struct Trust {
    pub store: TrustStore,
    /// The root added by `--ca-cert` / `MONGODB_ATLAS_CA_CERT`, already read and checked.
    pub extra: Option<ExtraRoot>,
}

/// The roots besides `--ca-cert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustStore {
    /// The operating system's verifier and its store (with its own policies and revocation).
    System,
    /// OpenSSL's variables, as curl and OpenSSL read them: these files and directories replace
    /// the system store.
    Variables {
        file: Option<PathBuf>,
        dirs: Vec<PathBuf>,
    },
}

/// The certificates of the `--ca-cert` file and where it was named.
pub struct ExtraRoot {
    pub path: Sourced<PathBuf>,
    pub certificates: Vec<CertificateDer<'static>>,
}

impl fmt::Debug for ExtraRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExtraRoot")
            .field("path", &self.path)
            .field("certificates", &self.certificates.len())
            .finish()
    }
}

/// Where `--ca-cert` problems point the user.
const CA_CERT_NAMES: &str = "--ca-cert / MONGODB_ATLAS_CA_CERT";

impl Trust {
    /// Reads the variables and, when given, the `--ca-cert` file.
    pub fn resolve(flag: Option<&Path>, env: &Env) -> Result<Trust, UsageError> {
        let flag_text = flag.map(|p| p.to_string_lossy().into_owned());
        let named = layered(("--ca-cert", flag_text.as_deref()), env, &[CA_CERT], None)?;
        let extra = match named {
            Some(named) => {
                // The flag keeps its exact path (it need not be UTF-8); a variable's is text.
                let path = match (&named.source, flag) {
                    (Source::Flag(_), Some(path)) => path.to_path_buf(),
                    _ => PathBuf::from(&named.value),
                };
                let certificates = read_pem_roots(&path, CA_CERT_NAMES)?;
                Some(ExtraRoot {
                    path: Sourced::new(path, named.source),
                    certificates,
                })
            }
            None => None,
        };
        Ok(Trust {
            store: TrustStore::from_env(env)?,
            extra,
        })
    }

    /// One line for `-v`: where the roots come from.
    pub fn describe(&self) -> String {
        let store = match &self.store {
            TrustStore::System => "the operating system's trust store".to_string(),
            TrustStore::Variables { file, dirs } => {
                let mut parts = Vec::new();
                if let Some(file) = file {
                    parts.push(format!("{SSL_CERT_FILE}={}", shown(file)));
                }
                for dir in dirs {
                    parts.push(format!("{SSL_CERT_DIR} {}", shown(dir)));
                }
                parts.join(" and ")
            }
        };
        match &self.extra {
            Some(extra) => format!(
                "trusted roots: {store}, and {} from {} ({})",
                count(extra.certificates.len()),
                shown(&extra.path.value),
                extra.path.source
            ),
            None => format!("trusted roots: {store}"),
        }
    }

    /// The `--ca-cert` certificates, to add to whichever store is used.
    pub fn extra_certificates(&self) -> Vec<CertificateDer<'static>> {
        self.extra
            .as_ref()
            .map(|e| e.certificates.clone())
            .unwrap_or_default()
    }
}

impl TrustStore {
    fn from_env(env: &Env) -> Result<TrustStore, UsageError> {
        // OpenSSL reads an empty SSL_CERT_FILE as a file named "", and so does the system
        // verifier's loader on Linux, which would then quietly trust no system root at all:
        // kept as an empty path, refused when the roots are loaded.
        let file = if env.is_set_but_empty(SSL_CERT_FILE) {
            Some(PathBuf::new())
        } else {
            env.text(SSL_CERT_FILE)?.map(PathBuf::from)
        };
        let dirs: Vec<PathBuf> = match env.text(SSL_CERT_DIR)? {
            Some(list) => std::env::split_paths(&list)
                .filter(|p| !p.as_os_str().is_empty())
                .collect(),
            None => Vec::new(),
        };
        Ok(if file.is_none() && dirs.is_empty() {
            TrustStore::System
        } else {
            TrustStore::Variables { file, dirs }
        })
    }

    /// The certificates the variables name. A file that cannot be read or holds no certificate
    /// is an error naming the variable; so is a directory that cannot be listed, or directories
    /// that hold no certificate at all. Inside a directory, files that are not PEM certificates
    /// (OpenSSL's hashed directories also hold revocation lists) are skipped.
    pub fn load_variables(&self) -> Result<Vec<CertificateDer<'static>>, UsageError> {
        let TrustStore::Variables { file, dirs } = self else {
            return Ok(Vec::new());
        };
        let mut roots = Vec::new();
        if let Some(file) = file {
            if file.as_os_str().is_empty() {
                return Err(UsageError(format!(
                    "{SSL_CERT_FILE} is set but empty: name a PEM bundle of trusted roots, or unset it to use the operating system's trust store"
                )));
            }
            roots.extend(read_pem_roots(file, SSL_CERT_FILE)?);
        }
        let mut from_dirs = 0;
        for dir in dirs {
            let found = certificates_in_dir(dir)?;
            from_dirs += found.len();
            roots.extend(found);
        }
        if !dirs.is_empty() && from_dirs == 0 {
            return Err(UsageError(format!(
                "{SSL_CERT_DIR}: no PEM certificate found in {}; point it at a directory of root certificates, or unset it to use the operating system's trust store",
                dirs.iter().map(|d| shown(d)).collect::<Vec<_>>().join(", ")
            )));
        }
        Ok(roots)
    }
}

fn certificates_in_dir(dir: &Path) -> Result<Vec<CertificateDer<'static>>, UsageError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        UsageError(format!(
            "{SSL_CERT_DIR}: cannot read the directory {}: {e}",
            shown(dir)
        ))
    })?;
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    let mut roots = Vec::new();
    for path in paths.iter().filter(|p| p.is_file()) {
        if let Ok(bytes) = std::fs::read(path) {
            roots.extend(
                CertificateDer::pem_slice_iter(&bytes)
                    .map_while(Result::ok)
                    .filter(|der| webpki::anchor_from_trusted_cert(der).is_ok()),
            );
        }
    }
    Ok(roots)
}

/// Every certificate of a PEM file, each one checked to be usable as a root. `names` is what
/// the user set (flag and variable) and leads every message.
pub fn read_pem_roots(
    path: &Path,
    names: &str,
) -> Result<Vec<CertificateDer<'static>>, UsageError> {
    let bytes = std::fs::read(path)
        .map_err(|e| UsageError(format!("{names}: cannot read {}: {e}", shown(path))))?;
    let mut roots = Vec::new();
    for (index, item) in CertificateDer::pem_slice_iter(&bytes).enumerate() {
        let der = item.map_err(|e| {
            UsageError(format!(
                "{names}: {} is not a readable PEM file (certificate {}: {e})",
                shown(path),
                index + 1
            ))
        })?;
        if let Err(e) = webpki::anchor_from_trusted_cert(&der) {
            return Err(UsageError(format!(
                "{names}: certificate {} in {} is not a usable root certificate ({e:?})",
                index + 1,
                shown(path)
            )));
        }
        roots.push(der);
    }
    if roots.is_empty() {
        return Err(UsageError(format!(
            "{names}: {} holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----); a DER file converts with `openssl x509 -inform der -in FILE -out FILE.pem`",
            shown(path)
        )));
    }
    Ok(roots)
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 certificate".into()
    } else {
        format!("{n} certificates")
    }
}

/// A path as messages show it, escaped like any text that did not come from us.
fn shown(path: &Path) -> String {
    printable(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_ssl_cert_file_is_refused_rather_than_trusting_nothing() {
        let env = Env::from_pairs([("SSL_CERT_FILE", "")]);
        let trust = Trust::resolve(None, &env).unwrap();
        let error = trust.store.load_variables().unwrap_err().0;
        assert!(
            error.starts_with("SSL_CERT_FILE is set but empty"),
            "{error}"
        );
    }

    #[test]
    fn without_the_variables_the_system_store_is_used() {
        let env = Env::from_pairs([("SSL_CERT_DIR", ""), ("HOME", "/h")]);
        let trust = Trust::resolve(None, &env).unwrap();
        assert_eq!(trust.store, TrustStore::System);
        assert!(trust.extra.is_none());
        assert_eq!(
            trust.describe(),
            "trusted roots: the operating system's trust store"
        );
    }

    #[test]
    fn the_variables_replace_the_system_store() {
        let env = Env::from_pairs([("SSL_CERT_FILE", "/b.pem"), ("SSL_CERT_DIR", "/d1:/d2")]);
        let trust = Trust::resolve(None, &env).unwrap();
        assert_eq!(
            trust.store,
            TrustStore::Variables {
                file: Some(PathBuf::from("/b.pem")),
                dirs: vec![PathBuf::from("/d1"), PathBuf::from("/d2")],
            }
        );
    }

    #[test]
    fn a_missing_ca_file_names_the_flag_and_the_variable() {
        let env = Env::from_pairs([("MONGODB_ATLAS_CA_CERT", "/no/such/ca.pem")]);
        let error = Trust::resolve(None, &env).unwrap_err().0;
        assert!(
            error.starts_with("--ca-cert / MONGODB_ATLAS_CA_CERT: cannot read /no/such/ca.pem"),
            "{error}"
        );
    }

    #[test]
    fn a_file_without_certificates_is_refused_with_how_to_convert_der() {
        let dir = tempfile_dir("no-pem");
        let path = dir.join("ca.der");
        std::fs::write(&path, [0x30, 0x82, 0x01, 0x0a]).unwrap();
        let error = read_pem_roots(&path, "--ca-cert / MONGODB_ATLAS_CA_CERT")
            .unwrap_err()
            .0;
        let _ = std::fs::remove_dir_all(&dir);
        assert!(error.contains("holds no PEM certificate"), "{error}");
        assert!(error.contains("openssl x509 -inform der"), "{error}");
    }

    #[test]
    fn a_pem_block_that_is_not_a_certificate_is_refused() {
        let dir = tempfile_dir("bad-pem");
        let path = dir.join("ca.pem");
        std::fs::write(
            &path,
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let error = read_pem_roots(&path, "SSL_CERT_FILE").unwrap_err().0;
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            error.starts_with("SSL_CERT_FILE: certificate 1 in"),
            "{error}"
        );
        assert!(error.contains("not a usable root certificate"), "{error}");
    }

    fn tempfile_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("atlas-ear-trust-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
