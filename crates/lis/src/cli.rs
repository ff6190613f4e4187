//! The command line: every flag also read from the environment variable named beside it in `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// LIS: an information security management system (ledningssystem för informationssäkerhet) for Swedish
/// municipalities.
#[derive(Debug, Parser)]
#[command(name = "lis", version, about, propagate_version = true)]
pub struct Cli {
    /// Log filter, e.g. `info`, `debug` or `info,lis_store=debug`.
    #[arg(long, env = "LIS_LOG", default_value = "info", global = true)]
    pub log: String,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands of `lis`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve LIS over HTTP, applying pending migrations first.
    Serve(Box<ServeArgs>),
    /// Serve a fictional demo municipality (Exempelkommun) from a fresh SQLite file, on loopback only.
    Demo(DemoArgs),
    /// Apply pending database migrations, or list them with --status.
    Migrate(MigrateArgs),
    /// Work with the control catalogue.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Import data from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export data to a file.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Work with the JSON API.
    #[command(subcommand)]
    Api(ApiCommand),
}

/// The API commands.
#[derive(Debug, Subcommand)]
pub enum ApiCommand {
    /// Write the API's OpenAPI document (JSON), the one served at /api/openapi.json.
    Openapi {
        /// The file to write; standard output when left out.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// The import commands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import org units, förvaltningsobjekt, systems, informationsmängder and their relations from a CSV or XLSX
    /// file (the systemförteckning layout): every row or none. Exits with 1 when any row is refused.
    Inventory {
        /// The CSV or XLSX file.
        file: PathBuf,
        /// Only show what would be done; change nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Import classifications of informationsmängder (K, R, T, S, justification, validity, information type) from a
    /// CSV or XLSX file, such as KLASSA's results or LIS's own export: every row or none, each approved as decided by
    /// the person given. Exits with 1 when any row is refused.
    Classifications {
        /// The CSV or XLSX file.
        file: PathBuf,
        /// Only show what would be done; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The e-mail address of the person who decides the imported classifications: the CISO.
        #[arg(long, value_name = "EMAIL", required_unless_present = "dry_run")]
        decided_by: Option<String>,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

/// The export commands.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Export the inventory: one combined CSV in the systemförteckning layout, or a workbook with a sheet per kind.
    Inventory {
        /// What to write.
        #[arg(long, value_enum, default_value = "csv")]
        format: InventoryFormat,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

/// The formats of `lis export inventory`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InventoryFormat {
    /// Semicolon-separated, UTF-8 with a byte-order mark.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// The catalogue commands.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Check a catalogue directory: list every problem with file and line, or print a one-line summary.
    Check {
        /// The catalogue directory (with catalog.toml and controls/).
        #[arg(default_value = "msb-catalog")]
        dir: PathBuf,
        /// Check the built-in catalogue together with this directory of local requirements instead.
        #[arg(long, conflicts_with = "dir")]
        extra: Option<PathBuf>,
    },
    /// Import an OSCAL catalog (JSON), such as NIST SP 800-53, as a read-only catalogue beside LIS's own.
    ImportOscal {
        /// The OSCAL catalog file.
        file: PathBuf,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Export the catalogue as OSCAL JSON: the catalog, or the profile of one protection level.
    Export {
        /// What to write.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The protection level, for oscal-profile.
        #[arg(long, required_if_eq("format", "oscal-profile"))]
        level: Option<u8>,
        /// The file to write; standard output when left out.
        #[arg(long)]
        out: Option<PathBuf>,
        /// A catalogue directory to export instead of the built-in catalogue.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// The export formats of `lis catalog export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// An OSCAL catalog.
    OscalCatalog,
    /// An OSCAL profile for one protection level.
    OscalProfile,
}

/// Where LIS keeps its files and its database.
#[derive(Debug, Args)]
pub struct StorageArgs {
    /// Directory for LIS's files: the SQLite database by default, and evidence files (under `evidence/`).
    #[arg(long, env = "LIS_DATA_DIR", default_value = "./lis-data")]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://PATH?mode=rwc` or `postgres://USER:PASSWORD@HOST:PORT/DATABASE`.
    /// [default: sqlite://<data dir>/lis.db?mode=rwc]
    #[arg(long, env = "LIS_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

/// How LIS is reached over HTTP.
#[derive(Debug, Args)]
pub struct HttpArgs {
    /// Address and port to listen on.
    #[arg(long, env = "LIS_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// The public URL people use to reach LIS, e.g. `https://lis.exempelkommun.se`; decides cookie security and
    /// redirects. [default: http://<listen address>]
    #[arg(long, env = "LIS_BASE_URL")]
    pub base_url: Option<String>,
}

/// Sign-in through the organisation's OpenID Connect provider, and sessions.
#[derive(Debug, Args)]
pub struct SignInArgs {
    /// The provider's issuer URL (https://; http:// only on loopback, for tests). Without it nobody can sign in.
    #[arg(long, env = "LIS_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,

    /// LIS's client id at the provider.
    #[arg(long, env = "LIS_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,

    /// LIS's client secret at the provider (never logged).
    #[arg(long, env = "LIS_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,

    /// Scopes to ask for, separated by spaces.
    #[arg(long, env = "LIS_OIDC_SCOPES", default_value = "openid profile email")]
    pub oidc_scopes: String,

    /// The ID-token claim that lists the person's groups.
    #[arg(long, env = "LIS_OIDC_GROUPS_CLAIM", default_value = "groups")]
    pub oidc_groups_claim: String,

    /// Group-to-role mapping used when the organisation has none yet, e.g.
    /// `lis-admins=admin,lis-ciso=ciso,lis-it=it,lis-auditors=auditor`; afterwards edited in the interface.
    #[arg(long, env = "LIS_ROLE_MAP", default_value = "")]
    pub role_map: String,

    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "LIS_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u32,

    /// Hours after sign-in after which a session ends, however active.
    #[arg(long, env = "LIS_SESSION_MAX_HOURS", default_value_t = 10)]
    pub session_max_hours: u32,

    /// The organisation's name, used when the database has no organisation yet.
    #[arg(long, env = "LIS_ORGANISATION_NAME", default_value = "Organisationen")]
    pub organisation_name: String,
}

/// Arguments of `lis serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub sign_in: SignInArgs,

    /// A directory of the municipality's own requirements (*.toml, the format of msb-catalog/controls), added to the
    /// built-in catalogue without editing it.
    #[arg(long, env = "LIS_CATALOG_EXTRA_DIR")]
    pub catalog_extra_dir: Option<PathBuf>,
}

/// Arguments of `lis demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Directory for the demo database (`demo.db`, created anew at every start).
    #[arg(long, env = "LIS_DATA_DIR", default_value = "./lis-data")]
    pub data_dir: PathBuf,

    #[command(flatten)]
    pub http: HttpArgs,
}

/// Arguments of `lis migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub storage: StorageArgs,

    /// List applied and pending migrations instead of applying them.
    #[arg(long)]
    pub status: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_flag_names_its_environment_variable_in_help() {
        let mut command = Cli::command();
        command.build();
        for sub in ["serve", "demo", "migrate"] {
            let help = command
                .find_subcommand_mut(sub)
                .expect(sub)
                .render_long_help()
                .to_string();
            for var in [
                "LIS_LOG",
                "LIS_DATA_DIR",
                "LIS_LISTEN",
                "LIS_OIDC_ISSUER",
                "LIS_ROLE_MAP",
            ] {
                let only_serve = var.starts_with("LIS_OIDC") || var == "LIS_ROLE_MAP";
                if (sub == "migrate" && var == "LIS_LISTEN") || (sub != "serve" && only_serve) {
                    continue;
                }
                assert!(help.contains(var), "`lis {sub} --help` does not name {var}:\n{help}");
            }
        }
    }
}
