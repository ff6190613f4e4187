//! The state every handler can reach.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use lis_store::sessions::SessionPolicy;
use sea_orm::DatabaseConnection;

use crate::Templates;
use crate::auth::oidc::Oidc;
use crate::auth::rate_limit::RateLimiter;

/// What the web layer needs to know of LIS's configuration.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The public URL LIS is reached at, e.g. `https://lis.exempelkommun.se`; decides whether cookies are `Secure`.
    pub base_url: String,
    /// Whether this is `lis demo`: shows the demo banner and offers the demo sign-in.
    pub demo: bool,
    /// How long sessions last.
    pub session_policy: SessionPolicy,
    /// How many requests to `/auth/*` one client may make per minute.
    pub auth_requests_per_minute: u32,
    /// Where evidence files are kept: a directory of LIS's own, never served as it is.
    pub evidence_dir: std::path::PathBuf,
}

impl WebConfig {
    /// The defaults for LIS reached at `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            demo: false,
            session_policy: SessionPolicy::default(),
            auth_requests_per_minute: 30,
            evidence_dir: std::env::temp_dir().join("lis-evidence"),
        }
    }

    /// Whether LIS is reached over HTTPS, so that cookies must be `Secure` and HSTS is sent.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Everything the application holds while it runs. It keeps no state of its own that another instance would need:
/// sessions and everything else live in the database; the rate limit, the provider's cached metadata and the
/// progress of imports running here are per instance by design.
#[derive(Debug)]
pub struct App {
    /// The database connection pool.
    pub db: DatabaseConnection,
    /// The page templates.
    pub templates: Templates,
    /// The web configuration.
    pub config: WebConfig,
    /// The OpenID Connect client, when sign-in is configured.
    pub oidc: Option<Oidc>,
    /// The rate limit of the sign-in routes.
    pub auth_rate_limit: RateLimiter,
    /// The Content Security Policy sent with every response.
    pub content_security_policy: axum::http::HeaderValue,
    /// The control catalogue.
    pub catalog: Arc<lis_catalog::Catalog>,
    /// The guided questions of the classification.
    pub questionnaire: Arc<lis_catalog::questionnaire::Questionnaire>,
    /// The imports running in the background on this instance, with their progress.
    pub import_jobs: crate::import_jobs::ImportJobs,
}

impl App {
    /// An application over `db` with the given configuration and sign-in client.
    pub fn new(
        db: DatabaseConnection,
        templates: Templates,
        config: WebConfig,
        oidc: Option<Oidc>,
        catalog: Arc<lis_catalog::Catalog>,
        questionnaire: Arc<lis_catalog::questionnaire::Questionnaire>,
    ) -> Self {
        let auth_rate_limit = RateLimiter::new(config.auth_requests_per_minute, Duration::from_secs(60));
        let provider_origin = oidc.as_ref().and_then(Oidc::issuer_origin);
        let content_security_policy = crate::middleware::content_security_policy(provider_origin.as_deref());
        Self {
            db,
            templates,
            config,
            oidc,
            auth_rate_limit,
            content_security_policy,
            catalog,
            questionnaire,
            import_jobs: crate::import_jobs::ImportJobs::default(),
        }
    }
}

/// A cheap, cloneable handle to the [`App`], taken by handlers as their state.
#[derive(Clone, Debug)]
pub struct AppState(pub Arc<App>);

impl AppState {
    /// Wraps an application for the router.
    pub fn new(app: App) -> Self {
        Self(Arc::new(app))
    }
}

impl Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}
