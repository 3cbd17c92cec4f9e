//! Server certificates are verified against the trusted roots the user has: refused without the
//! test CA (one clear message, exit 6, one connection: never retried), accepted once the test
//! CA is trusted through `SSL_CERT_FILE`, `SSL_CERT_DIR`, `--ca-cert` or `MONGODB_ATLAS_CA_CERT`;
//! a certificate for another name, an expired one and a CA certificate served as a server's
//! are each said in words. A CA file that cannot be used stops the run before any request.

use crate::common::*;
use crate::tls_stand_in::{TestCa, TlsFront};
use atlas_ear_emulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};

/// A run of `list` against the TLS front, trusting only the bundles the test names.
struct Scene {
    emu: Emulator,
    ca: TestCa,
    front: TlsFront,
    home: tempfile::TempDir,
}

impl Scene {
    /// A front for `localhost` whose certificate the test CA signed.
    fn new() -> Scene {
        let ca = TestCa::new("atlas-ear test CA");
        let identity = ca.server(&["localhost"]);
        Scene::presenting(ca, identity)
    }

    fn presenting(ca: TestCa, identity: crate::tls_stand_in::ServerIdentity) -> Scene {
        let emu = emulator();
        let front = TlsFront::start(identity, &emu.base_url());
        Scene {
            emu,
            ca,
            front,
            home: scratch_home(),
        }
    }

    /// `atlas-ear` aimed at the front, trusting only an unrelated CA unless the test adds one.
    fn command(&self) -> assert_cmd::Command {
        let unrelated = TestCa::new("unrelated CA").write_pem(self.home.path(), "unrelated.pem");
        let mut cmd = atlas(&self.emu, &self.home);
        // Each run pays its own digest handshake, so every run's requests look the same.
        cmd.arg("--no-cache")
            .env("MONGODB_ATLAS_BASE_URL", self.front.base_url("localhost"))
            .env("SSL_CERT_FILE", unrelated);
        cmd
    }

    fn ca_file(&self) -> std::path::PathBuf {
        self.ca.write_pem(self.home.path(), "test-ca.pem")
    }
}

/// The refusal is one error line and one hint, naming the host, the reason, and both remedies.
fn assert_refused(out: &Run, reason: &str) {
    assert_eq!(out.code, 6, "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "one error and one hint: {}", out.stderr);
    assert!(
        lines[0].starts_with("error: ")
            && lines[0].contains("the TLS certificate of localhost was refused: "),
        "{}",
        out.stderr
    );
    assert!(lines[0].contains(reason), "{reason} in {}", out.stderr);
    assert!(lines[1].starts_with("hint: "), "{}", out.stderr);
    for remedy in ["SSL_CERT_FILE", "--ca-cert", "MONGODB_ATLAS_CA_CERT"] {
        assert!(lines[1].contains(remedy), "{remedy} in {}", out.stderr);
    }
    assert!(!out.stderr.contains("Other("), "{}", out.stderr);
    assert!(!out.stderr.contains("gave up"), "{}", out.stderr);
}

#[test]
fn an_unknown_issuer_is_refused_once_in_words() {
    let scene = Scene::new();
    let out = run(scene.command().arg("list"));
    assert_refused(&out, "it is signed by an unknown issuer");
    assert_eq!(
        scene.front.connections(),
        1,
        "a refused certificate is not retried"
    );
    assert!(scene.emu.requests().is_empty(), "nothing reached the API");
}

#[test]
fn a_service_account_token_request_is_refused_once_too() {
    let scene = Scene::new();
    let mut cmd = scene.command();
    cmd.env_remove("MONGODB_ATLAS_PUBLIC_API_KEY")
        .env_remove("MONGODB_ATLAS_PRIVATE_API_KEY")
        .env("MONGODB_ATLAS_CLIENT_ID", DEMO_CLIENT_ID)
        .env("MONGODB_ATLAS_CLIENT_SECRET", DEMO_CLIENT_SECRET);
    let out = run(cmd.arg("list"));
    assert_refused(&out, "it is signed by an unknown issuer");
    assert_eq!(scene.front.connections(), 1);
}

/// `list` succeeded through the front: the emulator answered the challenge and the list.
fn assert_listed(scene: &Scene, out: &Run) {
    assert_eq!(out.code, 0, "{}", out.stderr);
    let statuses: Vec<u16> = api_requests(&scene.emu).iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![401, 200]);
    scene.emu.clear_requests();
}

#[test]
fn the_test_ca_is_trusted_through_ssl_cert_file() {
    let scene = Scene::new();
    let out = run(scene
        .command()
        .env("SSL_CERT_FILE", scene.ca_file())
        .arg("list"));
    assert_listed(&scene, &out);
}

#[test]
fn the_test_ca_is_trusted_through_ssl_cert_dir() {
    let scene = Scene::new();
    let dir = scene.home.path().join("certs");
    std::fs::create_dir(&dir).unwrap();
    scene.ca.write_pem(&dir, "test-ca.pem");
    std::fs::write(dir.join("README"), "not a certificate").unwrap();
    let out = run(scene
        .command()
        .env_remove("SSL_CERT_FILE")
        .env("SSL_CERT_DIR", &dir)
        .arg("list"));
    assert_listed(&scene, &out);
}

#[test]
fn ca_cert_and_its_variable_add_the_test_ca() {
    let scene = Scene::new();
    let file = scene.ca_file();
    let out = run(scene.command().arg("--ca-cert").arg(&file).arg("list"));
    assert_listed(&scene, &out);
    let out = run(scene
        .command()
        .env("MONGODB_ATLAS_CA_CERT", &file)
        .arg("list"));
    assert_listed(&scene, &out);
    // Added to the operating system's store when SSL_CERT_FILE is not set.
    let out = run(scene
        .command()
        .env_remove("SSL_CERT_FILE")
        .env("MONGODB_ATLAS_CA_CERT", &file)
        .arg("list"));
    assert_listed(&scene, &out);
}

#[test]
fn verbose_runs_say_where_trusted_roots_come_from() {
    let scene = Scene::new();
    let file = scene.ca_file();
    let out = run(scene
        .command()
        .env("SSL_CERT_FILE", &file)
        .args(["-v", "--ca-cert"])
        .arg(&file)
        .arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let expected = format!(
        "trusted roots: SSL_CERT_FILE={}, and 1 certificate from {} (flag --ca-cert)",
        file.display(),
        file.display()
    );
    assert!(out.stderr.contains(&expected), "{}", out.stderr);
}

#[test]
fn a_certificate_for_another_name_says_which_names_it_has() {
    let ca = TestCa::new("atlas-ear test CA");
    let identity = ca.server(&["other.example.test"]);
    let scene = Scene::presenting(ca, identity);
    let out = run(scene
        .command()
        .env("SSL_CERT_FILE", scene.ca_file())
        .arg("list"));
    assert_refused(
        &out,
        "it is not valid for the name localhost (it is for other.example.test)",
    );
    assert_eq!(scene.front.connections(), 1);
}

#[test]
fn an_expired_certificate_says_when_it_expired() {
    let ca = TestCa::new("atlas-ear test CA");
    let identity = ca.expired_server(&["localhost"]);
    let scene = Scene::presenting(ca, identity);
    let out = run(scene
        .command()
        .env("SSL_CERT_FILE", scene.ca_file())
        .arg("list"));
    assert_refused(&out, "it expired on 2001-01-01T00:00:00Z");
    assert_eq!(scene.front.connections(), 1);
}

#[test]
fn a_ca_certificate_served_as_the_server_certificate_says_so() {
    let ca = TestCa::new("atlas-ear test CA");
    let identity = ca.itself_as_server();
    let scene = Scene::presenting(ca, identity);
    let out = run(scene
        .command()
        .env("SSL_CERT_FILE", scene.ca_file())
        .arg("list"));
    assert_refused(&out, "it is a CA certificate used as a server certificate");
}

/// A CA file that cannot be used is exit 2 naming the flag and the variable, and costs no request.
#[test]
fn an_unusable_ca_file_is_a_usage_error_before_any_request() {
    let scene = Scene::new();
    let not_pem = scene.home.path().join("ca.der");
    std::fs::write(&not_pem, [0x30, 0x82, 0x01, 0x0a, 0x02]).unwrap();
    let missing = scene.home.path().join("missing.pem");
    let cases = [
        (missing.clone(), "cannot read"),
        (not_pem.clone(), "holds no PEM certificate"),
        (scene.home.path().to_path_buf(), "cannot read"),
    ];
    for (path, problem) in cases {
        for by_variable in [false, true] {
            let mut cmd = scene.command();
            if by_variable {
                cmd.env("MONGODB_ATLAS_CA_CERT", &path);
            } else {
                cmd.arg("--ca-cert").arg(&path);
            }
            let out = run(cmd.arg("list"));
            assert_eq!(out.code, 2, "{}", out.stderr);
            assert!(
                out.stderr
                    .starts_with("error: --ca-cert / MONGODB_ATLAS_CA_CERT: "),
                "{}",
                out.stderr
            );
            assert!(out.stderr.contains(problem), "{problem}: {}", out.stderr);
        }
    }
    assert_eq!(scene.front.connections(), 0, "no request was made");
}

#[test]
fn an_unreadable_ssl_cert_file_names_the_variable() {
    let scene = Scene::new();
    let missing = scene.home.path().join("no-bundle.pem");
    let out = run(scene.command().env("SSL_CERT_FILE", &missing).arg("list"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("error: SSL_CERT_FILE: cannot read "),
        "{}",
        out.stderr
    );
    // Empty is not "unset": it would otherwise leave no system root trusted at all.
    let out = run(scene.command().env("SSL_CERT_FILE", "").arg("list"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: SSL_CERT_FILE is set but empty: name a PEM bundle"),
        "{}",
        out.stderr
    );
    assert_eq!(scene.front.connections(), 0);
}

#[test]
fn config_show_names_the_ca_file_and_where_it_was_set() {
    let scene = Scene::new();
    let file = scene.ca_file();
    let out = run(scene
        .command()
        .env("MONGODB_ATLAS_CA_CERT", &file)
        .args(["config", "show", "-o", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["ca_cert"]["value"], file.display().to_string());
    assert_eq!(doc["ca_cert"]["source"], "env");
    assert_eq!(doc["ca_cert"]["name"], "MONGODB_ATLAS_CA_CERT");
    let out = run(scene
        .command()
        .arg("--ca-cert")
        .arg(&file)
        .args(["config", "show", "-o", "plain"]));
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("ca_cert\t"))
        .unwrap_or_else(|| panic!("no ca_cert row: {}", out.stdout));
    assert_eq!(row, format!("ca_cert\t{}\tflag --ca-cert", file.display()));
}
