//! A plugin interface and its manager — seed: `AbstractBaseClasses/plugin_architecture.py`.
//!
//! **Python idea.** A `Plugin` ABC requires the properties `name` and `version` and the
//! methods `initialize`, `execute` and `cleanup`. `PluginManager.register_plugin` refuses
//! objects that are not plugins (`isinstance` check at run time), prints
//! "Registering {name} v{version}" and initializes the plugin; `get_plugin` finds one by
//! type. `AuthenticationPlugin` accepts admin/secret; `LoggingPlugin` prints and returns
//! `"[DEBUG] : User Logged In"`.
//!
//! **Rust answer.** [`Plugin`] is a trait; [`PluginManager::register`] takes `impl Plugin`, so
//! a non-plugin does not compile. Registration records the seed's "Registering ..." line,
//! calls [`Plugin::initialize`] and keeps the plugin only if that succeeds.
//! [`PluginManager::get`] finds a plugin by its type (`Plugin: Any`, downcast). Clean-up is
//! tied to the manager's lifetime: dropping the manager cleans up every plugin, newest first,
//! even on an early return or a panic unwind. Names, versions ("1.1.0") and printed lines
//! follow the seed file.
//!
//! **Checked earlier.** Non-plugins (`tests/ui/not_a_plugin.rs`), and plugins missing a
//! lifecycle method, are compile errors; `get::<AuthenticationPlugin>()` returns
//! `Option<&mut AuthenticationPlugin>`, typed, not an object to be checked again.
//!
//! **Where Rust differs.** `execute(*args, **kwargs)` has no typed counterpart for a
//! heterogeneous set of plugins; arguments and results are JSON values here (the closest
//! thing to keyword arguments), and [`PluginManager::get`] gives typed access when the
//! caller knows the plugin's type. The seed's methods `print`; here `initialize` and
//! `cleanup` return their line and the manager records it in a [`Journal`]. The seed never
//! calls `cleanup`; here the manager's `Drop` does, so the demo ends with the two clean-up
//! lines ("Saved 1 log entries", "Cleaning up authentication resources"). Python prints the
//! result `True`; Rust's `bool` prints `true`.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{Value, json};
use thiserror::Error;

/// A plugin failed, or was called with arguments it does not accept.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PluginError {
    /// `initialize` failed; the plugin was not registered.
    #[error("plugin {plugin} failed to initialize: {reason}")]
    Initialize {
        /// The plugin's name.
        plugin: String,
        /// Why.
        reason: String,
    },
    /// `execute` got arguments it cannot use.
    #[error("plugin {plugin}: bad arguments: {reason}")]
    BadArguments {
        /// The plugin's name.
        plugin: String,
        /// What was wrong.
        reason: String,
    },
    /// The plugin was used before `initialize`.
    #[error("plugin {0} is not initialized")]
    NotInitialized(String),
}

// ANCHOR: plugin
/// The seed's plugin interface: identity and a lifecycle.
pub trait Plugin: Any {
    /// The plugin's name.
    fn name(&self) -> &str;
    /// Its version.
    fn version(&self) -> &str;
    /// Prepares the plugin; called once, on registration. Returns the line the seed prints.
    ///
    /// # Errors
    /// [`PluginError::Initialize`] when the plugin cannot start.
    fn initialize(&mut self) -> Result<String, PluginError>;
    /// Does the plugin's work; arguments and result are JSON (Python's `**kwargs`).
    ///
    /// # Errors
    /// [`PluginError`] when the arguments do not fit.
    fn execute(&mut self, args: &Value) -> Result<Value, PluginError>;
    /// Releases what `initialize` acquired; returns a line saying so.
    fn cleanup(&mut self) -> String;
}
// ANCHOR_END: plugin

/// A shared, append-only record of what happened (so a test can see clean-up after drop).
#[derive(Debug, Clone, Default)]
pub struct Journal(Rc<RefCell<Vec<String>>>);

impl Journal {
    /// Appends one line.
    pub fn record(&self, line: impl Into<String>) {
        self.0.borrow_mut().push(line.into());
    }
    /// Every line so far.
    pub fn lines(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

// ANCHOR: manager
/// Owns the plugins; cleans them up when dropped.
#[derive(Default)]
pub struct PluginManager {
    plugins: Vec<Box<dyn Plugin>>,
    journal: Journal,
}

impl std::fmt::Debug for PluginManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginManager")
            .field("plugins", &self.names())
            .finish_non_exhaustive()
    }
}

impl PluginManager {
    /// A manager writing its lifecycle lines to `journal`.
    pub fn new(journal: Journal) -> Self {
        Self {
            plugins: Vec::new(),
            journal,
        }
    }

    /// Records "Registering {name} v{version}", initializes `plugin` and keeps it.
    ///
    /// # Errors
    /// [`PluginError::Initialize`]: the plugin is dropped, not registered.
    pub fn register(&mut self, mut plugin: impl Plugin) -> Result<(), PluginError> {
        self.journal.record(format!(
            "Registering {} v{}",
            plugin.name(),
            plugin.version()
        ));
        let started = plugin.initialize()?;
        self.journal.record(started);
        self.plugins.push(Box::new(plugin));
        Ok(())
    }

    /// The registered plugins' names, in registration order.
    pub fn names(&self) -> Vec<&str> {
        self.plugins.iter().map(|p| p.name()).collect()
    }

    /// The registered plugin of type `P`, if any (the seed's look-up by type).
    pub fn get<P: Plugin>(&mut self) -> Option<&mut P> {
        self.plugins.iter_mut().find_map(|p| {
            let any: &mut dyn Any = p.as_mut();
            any.downcast_mut::<P>()
        })
    }

    /// Runs the plugin named `name`.
    ///
    /// Returns `None` when no plugin has that name.
    pub fn execute(&mut self, name: &str, args: &Value) -> Option<Result<Value, PluginError>> {
        self.plugins
            .iter_mut()
            .find(|p| p.name() == name)
            .map(|p| p.execute(args))
    }
}

impl Drop for PluginManager {
    fn drop(&mut self) {
        while let Some(mut plugin) = self.plugins.pop() {
            let line = plugin.cleanup();
            self.journal.record(line);
        }
    }
}
// ANCHOR_END: manager

/// Checks a user name and password: admin/secret is accepted.
#[derive(Debug, Default)]
pub struct AuthenticationPlugin {
    ready: bool,
}

fn text_arg<'a>(plugin: &str, args: &'a Value, key: &str) -> Result<&'a str, PluginError> {
    args.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| PluginError::BadArguments {
            plugin: plugin.to_owned(),
            reason: format!("expected a text argument '{key}'"),
        })
}

impl AuthenticationPlugin {
    /// The typed operation behind `execute`.
    pub fn authenticate(&self, username: &str, password: &str) -> bool {
        username == "admin" && password == "secret"
    }
}

impl Plugin for AuthenticationPlugin {
    fn name(&self) -> &str {
        "Authentication Plugin"
    }
    fn version(&self) -> &str {
        "1.1.0"
    }
    fn initialize(&mut self) -> Result<String, PluginError> {
        self.ready = true;
        Ok("Initializing Authentication System".to_owned())
    }
    fn execute(&mut self, args: &Value) -> Result<Value, PluginError> {
        if !self.ready {
            return Err(PluginError::NotInitialized(self.name().to_owned()));
        }
        let username = text_arg(self.name(), args, "username")?;
        let password = text_arg(self.name(), args, "password")?;
        Ok(Value::Bool(self.authenticate(username, password)))
    }
    fn cleanup(&mut self) -> String {
        self.ready = false;
        "Cleaning up authentication resources".to_owned()
    }
}

/// Formats log lines the seed's way: `[LEVEL] : message`, the level upper-cased.
#[derive(Debug, Default)]
pub struct LoggingPlugin {
    written: Vec<String>,
    ready: bool,
}

impl LoggingPlugin {
    /// Every line written so far.
    pub fn written(&self) -> &[String] {
        &self.written
    }
}

impl Plugin for LoggingPlugin {
    fn name(&self) -> &str {
        "Logging Plugin"
    }
    fn version(&self) -> &str {
        "1.1.0"
    }
    fn initialize(&mut self) -> Result<String, PluginError> {
        self.ready = true;
        self.written.clear();
        Ok("Started Logging System".to_owned())
    }
    fn execute(&mut self, args: &Value) -> Result<Value, PluginError> {
        if !self.ready {
            return Err(PluginError::NotInitialized(self.name().to_owned()));
        }
        let level = args.get("level").and_then(Value::as_str).unwrap_or("INFO");
        let message = text_arg(self.name(), args, "message")?;
        let line = format!("[{}] : {message}", level.to_uppercase());
        self.written.push(line.clone());
        Ok(Value::String(line))
    }
    fn cleanup(&mut self) -> String {
        self.ready = false;
        format!("Saved {} log entries", self.written.len())
    }
}

fn show(result: Result<Value, PluginError>) -> String {
    match result {
        Ok(Value::String(s)) => s,
        Ok(v) => v.to_string(),
        Err(e) => format!("error: {e}"),
    }
}

// ANCHOR: demo
/// The demo: the seed's run — register both plugins, find each by type, execute them —
/// then the clean-up the manager's `Drop` adds.
pub fn demo() -> Vec<String> {
    let journal = Journal::default();
    {
        let mut manager = PluginManager::new(journal.clone());
        for outcome in [
            manager.register(AuthenticationPlugin::default()),
            manager.register(LoggingPlugin::default()),
        ] {
            if let Err(e) = outcome {
                journal.record(format!("error: {e}"));
            }
        }
        let auth_result = manager
            .get::<AuthenticationPlugin>()
            .map(|auth| show(auth.execute(&json!({"username": "admin", "password": "secret"}))));
        let log_result = manager
            .get::<LoggingPlugin>()
            .map(|log| show(log.execute(&json!({"message": "User Logged In", "level": "DEBUG"}))));
        // The seed's LoggingPlugin.execute prints its entry before returning it.
        if let Some(entry) = &log_result {
            journal.record(entry.clone());
        }
        let missing = || "no such plugin".to_owned();
        journal.record(format!(
            "Authentication result: {}",
            auth_result.unwrap_or_else(missing)
        ));
        journal.record(format!(
            "Log result: {}",
            log_result.unwrap_or_else(missing)
        ));
    }
    journal.lines()
}
// ANCHOR_END: demo
