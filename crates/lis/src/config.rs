//! Turning flags and environment variables into checked settings, each problem told in one sentence that says
//! what to do.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use lis_domain::RoleMapEntry;
use lis_store::DatabaseUrl;
use lis_store::sessions::SessionPolicy;
use lis_web::auth::oidc::{Oidc, OidcConfig};

use crate::cli::SignInArgs;

/// The database URL to use: the one given, or a SQLite file in the data directory.
pub fn database_url(given: Option<&str>, data_dir: &Path) -> Result<DatabaseUrl> {
    let raw = match given {
        Some(url) => url.to_owned(),
        None => sqlite_url(&data_dir.join("lis.db")),
    };
    DatabaseUrl::parse(&raw).map_err(|err| {
        anyhow!("LIS_DATABASE_URL is malformed ({err}); use sqlite://PATH?mode=rwc or postgres://USER@HOST/DATABASE")
    })
}

/// A SQLite URL that creates the file when it is missing.
pub fn sqlite_url(file: &Path) -> String {
    format!("sqlite://{}?mode=rwc", file.display())
}

/// Creates the data directory if needed and checks that LIS can write in it.
pub fn prepare_data_dir(dir: &Path) -> Result<PathBuf> {
    let unusable = |err: std::io::Error| {
        anyhow!(
            "the data directory {} cannot be used ({}); create it with write access for the user running LIS, \
             or set LIS_DATA_DIR to another directory",
            dir.display(),
            describe_io(&err)
        )
    };
    std::fs::create_dir_all(dir).map_err(unusable)?;
    // Named per process: two instances starting together must not remove each other's probe.
    let probe = dir.join(format!(".lis-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"lis").map_err(unusable)?;
    std::fs::remove_file(&probe).map_err(unusable)?;
    Ok(dir.to_path_buf())
}

/// The base URL: the one given (checked to be an http or https URL), or `http://` and the listen address.
pub fn base_url(given: Option<&str>, listen: &str) -> Result<String> {
    let Some(given) = given else {
        return Ok(format!("http://{listen}"));
    };
    match url::Url::parse(given) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {
            Ok(given.trim_end_matches('/').to_owned())
        }
        _ => Err(anyhow!(
            "LIS_BASE_URL {given:?} is not an http:// or https:// URL; set it to the address people use to reach LIS"
        )),
    }
}

/// Binds the listening socket, explaining the usual reasons it fails.
pub async fn bind(listen: &str) -> Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen).await.map_err(|err| {
        let advice = match err.kind() {
            ErrorKind::AddrInUse => {
                "the address is already in use; stop the program that uses it or set LIS_LISTEN to another address"
            }
            ErrorKind::PermissionDenied => {
                "permission denied; use a port above 1023 or set LIS_LISTEN to another address"
            }
            ErrorKind::AddrNotAvailable => "this machine has no such address; set LIS_LISTEN to one of its addresses",
            _ => "check LIS_LISTEN (for example 127.0.0.1:8080)",
        };
        anyhow!("cannot listen on {listen}: {advice} ({})", describe_io(&err))
    })
}

/// Checks that every address `listen` stands for is a loopback address, as `lis demo` requires.
pub async fn require_loopback(listen: &str) -> Result<()> {
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host(listen)
        .await
        .map_err(|err| {
            anyhow!(
                "LIS_LISTEN {listen:?} is not an address ({}); use for example 127.0.0.1:8080",
                describe_io(&err)
            )
        })?
        .collect();
    if addresses.is_empty() || addresses.iter().any(|a| !a.ip().is_loopback()) {
        return Err(anyhow!(
            "lis demo listens on loopback only, and {listen} is not a loopback address; use 127.0.0.1:PORT"
        ));
    }
    Ok(())
}

/// The sign-in client, if an issuer is configured; checks that the settings fit together.
pub fn oidc(args: &SignInArgs, base_url: &str) -> Result<Option<Oidc>> {
    let Some(issuer) = args.oidc_issuer.as_deref().map(str::trim).filter(|i| !i.is_empty()) else {
        return Ok(None);
    };
    let parsed = url::Url::parse(issuer)
        .map_err(|err| anyhow!("LIS_OIDC_ISSUER {issuer:?} is not a URL ({err}); use the provider's issuer URL"))?;
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    if parsed.scheme() != "https" && !(parsed.scheme() == "http" && loopback) {
        return Err(anyhow!(
            "LIS_OIDC_ISSUER {issuer:?} must use https:// (http:// is accepted only on loopback, for tests)"
        ));
    }
    let client_id = args
        .oidc_client_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            anyhow!("LIS_OIDC_ISSUER is set but LIS_OIDC_CLIENT_ID is not; set the client id LIS has at the provider")
        })?;
    let config = OidcConfig {
        issuer: issuer.to_owned(),
        client_id: client_id.to_owned(),
        client_secret: args.oidc_client_secret.clone().filter(|s| !s.is_empty()),
        scopes: args.oidc_scopes.split_whitespace().map(str::to_owned).collect(),
        groups_claim: args.oidc_groups_claim.trim().to_owned(),
    };
    Oidc::new(config, base_url)
        .map(Some)
        .map_err(|err| anyhow!("{err}; check LIS_OIDC_ISSUER and LIS_BASE_URL"))
}

/// The role mapping from `LIS_ROLE_MAP`, with every bad entry named.
pub fn role_map(text: &str) -> Result<Vec<RoleMapEntry>> {
    lis_domain::parse_role_map(text).map_err(|errors| {
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow!(
            "LIS_ROLE_MAP has problems: {}; write it as group=role,group=role",
            listed.join("; ")
        )
    })
}

/// Session lifetimes from the settings.
pub fn session_policy(args: &SignInArgs) -> Result<SessionPolicy> {
    if args.session_idle_minutes == 0 || args.session_max_hours == 0 {
        return Err(anyhow!(
            "LIS_SESSION_IDLE_MINUTES and LIS_SESSION_MAX_HOURS must be at least 1"
        ));
    }
    Ok(SessionPolicy {
        idle: chrono::Duration::minutes(i64::from(args.session_idle_minutes)),
        absolute: chrono::Duration::hours(i64::from(args.session_max_hours)),
        ..SessionPolicy::default()
    })
}

/// An I/O error in a few words, without the operating system's error number.
fn describe_io(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
    .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_database_is_sqlite_in_the_data_dir() {
        let url = database_url(None, Path::new("/var/lib/lis")).expect("default url");
        assert_eq!(url.expose(), "sqlite:///var/lib/lis/lis.db?mode=rwc");
    }

    #[test]
    fn malformed_database_url_names_the_variable_and_the_fix() {
        let err = database_url(Some("mysql://x"), Path::new("."))
            .expect_err("refused")
            .to_string();
        assert!(err.starts_with("LIS_DATABASE_URL is malformed"), "{err}");
        assert!(err.contains("postgres://"), "{err}");
    }

    #[test]
    fn base_url_defaults_to_the_listen_address_and_is_checked() {
        assert_eq!(
            base_url(None, "127.0.0.1:8080").expect("default"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            base_url(Some("https://lis.example/"), "x").expect("given"),
            "https://lis.example"
        );
        assert!(base_url(Some("lis.example"), "x").is_err());
    }
}
