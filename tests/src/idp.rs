//! Identity providers for the sign-in tests, started as processes on loopback ports: the real OpenID Connect
//! provider (`tests/oidc/provider.mjs`, the npm package oidc-provider) and a token forger for the bad-token cases
//! (`tests/oidc/forger.mjs`). `./scripts/test` installs their npm packages.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running provider process, stopped when dropped.
#[derive(Debug)]
pub struct IdentityProvider {
    child: Child,
    /// The issuer URL it announced.
    pub issuer: String,
}

impl IdentityProvider {
    /// The real provider, with `lis_base_url` as its client's redirect target.
    pub fn real(lis_base_url: &str) -> Self {
        Self::start("provider.mjs", &["--lis", lis_base_url])
    }

    /// The real provider with its clock `seconds_behind` and ID tokens that last `id_token_seconds`, so that the
    /// ID tokens it signs have expired when LIS reads them.
    pub fn late(lis_base_url: &str, seconds_behind: u32, id_token_seconds: u32) -> Self {
        let offset = format!("-{seconds_behind}");
        let ttl = id_token_seconds.to_string();
        Self::start(
            "provider.mjs",
            &["--lis", lis_base_url, "--clock-offset", &offset, "--id-token-ttl", &ttl],
        )
    }

    /// The token forger.
    pub fn forger() -> Self {
        Self::start("forger.mjs", &[])
    }

    fn start(script: &str, args: &[&str]) -> Self {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/oidc"));
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "the test identity providers are not installed: run `npm ci` in tests/oidc (./scripts/test does)"
        );
        let mut child = Command::new("node")
            .arg(dir.join(script))
            .args(["--port", "0"])
            .args(args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start node for {script} (is Node.js installed?): {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(issuer) = line.strip_prefix("ready ") {
                    let _ = sender.send(issuer.to_owned());
                }
            }
        });
        // A hang guard, not a performance limit: the providers start in well under a second.
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(issuer) => Self { child, issuer },
            Err(_) => {
                let _ = child.kill();
                panic!("{script} did not announce itself within a minute");
            }
        }
    }
}

impl Drop for IdentityProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
