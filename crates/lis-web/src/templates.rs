//! Page templates: embedded in the binary, or read from `templates/` on every render in debug builds so that a
//! change shows on reload.

use std::path::PathBuf;

use minijinja::{Environment, Value};
use serde::Serialize;

/// The templates of the interface.
pub struct Templates {
    source: Source,
}

enum Source {
    /// Compiled into the binary by `build.rs`.
    Embedded(Box<Environment<'static>>),
    /// Read from a directory each time a page is rendered.
    Disk(PathBuf),
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Source::Embedded(_) => f.write_str("Templates(embedded)"),
            Source::Disk(dir) => write!(f, "Templates({})", dir.display()),
        }
    }
}

impl Templates {
    /// The templates compiled into the binary.
    pub fn embedded() -> Self {
        let mut env = Environment::new();
        minijinja_embed::load_templates!(&mut env);
        Self {
            source: Source::Embedded(Box::new(env)),
        }
    }

    /// Templates read from a directory on every render.
    pub fn from_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            source: Source::Disk(dir.into()),
        }
    }

    /// In a debug build run from the source tree, the templates on disk; otherwise the embedded ones.
    pub fn for_this_build() -> Self {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../templates"));
        if cfg!(debug_assertions) && dir.is_dir() {
            Self::from_dir(dir)
        } else {
            Self::embedded()
        }
    }

    /// Renders one template with the given context.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, minijinja::Error> {
        let context = Value::from(minijinja::value::Serde(context));
        match &self.source {
            Source::Embedded(env) => env.get_template(name)?.render(context),
            Source::Disk(dir) => {
                let mut env = Environment::new();
                let dir = dir.clone();
                env.set_loader(move |name: &str| match std::fs::read_to_string(dir.join(name)) {
                    Ok(source) => Ok(Some(source)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        "cannot read template",
                    )
                    .with_source(e)),
                });
                env.get_template(name)?.render(context)
            }
        }
    }
}
