//! The state every handler can reach.

use std::ops::Deref;
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::Templates;

/// What the web layer needs to know of LIS's configuration.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The public URL LIS is reached at, e.g. `https://lis.exempelkommun.se`; decides whether cookies are `Secure`.
    pub base_url: String,
    /// Whether this is `lis demo`: shows the demo banner.
    pub demo: bool,
}

impl WebConfig {
    /// Whether LIS is reached over HTTPS, so that cookies must be `Secure` and HSTS is sent.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Everything the application holds while it runs. It keeps no state of its own that another instance would need:
/// all of that lives in the database.
#[derive(Debug)]
pub struct App {
    /// The database connection pool.
    pub db: DatabaseConnection,
    /// The page templates.
    pub templates: Templates,
    /// The web configuration.
    pub config: WebConfig,
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
