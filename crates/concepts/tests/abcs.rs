//! Chapter 2 (abstract base classes → traits): every demo's behaviour, asserted.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(
    clippy::approx_constant,
    reason = "3.14159 is the seed's input, not pi"
)]

use concepts::abcs::abstract_properties::{self, ConfigurableDevice, DeviceError, Router, Switch};
use concepts::abcs::basics::{self, Bicycle, Car, Vehicle};
use concepts::abcs::duck_typing::{
    self, Airplane, Boat, Duck, Swimmable, make_flyable_objects_fly, try_fly,
};
use concepts::abcs::pipeline::{self, ItemProcessor, Pipeline, PipelineError, round2, seed_batch};
use concepts::abcs::plugin_architecture::{
    self, AuthenticationPlugin, Journal, LoggingPlugin, Plugin, PluginError, PluginManager,
};
use serde_json::{Value, json};

#[test]
fn vehicles_print_the_seed_run() {
    let lines = basics::demo();
    // The seed's "# Output:" block, line for line.
    assert_eq!(
        lines[..8],
        [
            "Starting gasoline engine",
            "Operating Toyota Camry at max speed: 200 km/h",
            "Applying brakes and stopping",
            "---",
            "Starting to pedal",
            "Operating Trek FX3 at max speed: 50 km/h",
            "Applying brakes and stopping pedaling",
            "---",
        ]
    );
    assert!(basics::MISSING_METHOD.starts_with(
        "error[E0046]: not all trait items implemented, missing: `stop`, `get_max_speed`"
    ));
}

/// A third vehicle written here: it supplies only the required methods and gets the rest.
struct Skateboard;

impl Vehicle for Skateboard {
    fn make(&self) -> &str {
        "Element"
    }
    fn model(&self) -> &str {
        "Section"
    }
    fn start(&self) -> String {
        "Pushing off".to_owned()
    }
    fn stop(&self) -> String {
        "Stepping off".to_owned()
    }
    fn get_max_speed(&self) -> u32 {
        15
    }
}

#[test]
fn provided_methods_come_with_the_trait() {
    assert_eq!(Skateboard.get_info(), "Element Section");
    assert_eq!(
        Skateboard.operate(),
        [
            "Pushing off",
            "Operating Element Section at max speed: 15 km/h",
            "Stepping off"
        ]
    );
    let car = Car::new("Volvo", "V60", "diesel");
    assert_eq!(car.operate()[0], "Starting diesel engine");
    assert_eq!(car.get_info(), "Volvo V60");
    let bike = Bicycle::new("Brompton", "C Line", 6);
    assert_eq!(bike.get_max_speed(), 50);
    assert_eq!(bike.gear_count, 6);
}

#[test]
fn router_takes_one_to_a_thousand() {
    let mut router = Router::new("Office Router", "WRT3200ACM");
    assert_eq!(router.max_connections(), 100);
    assert_eq!(
        router.get_info(),
        "Office Router (Network Router): 100 connections"
    );
    router.set_max_connections(150).unwrap();
    assert_eq!(router.max_connections(), 150);
    for ok in [1, 1000] {
        router.set_max_connections(ok).unwrap();
        assert_eq!(router.max_connections(), ok);
    }
    for bad in [0, 1001, u32::MAX] {
        let err = router.set_max_connections(bad).unwrap_err();
        assert_eq!(err, DeviceError::RouterRange { requested: bad });
        assert_eq!(err.to_string(), "Connections must be between 1 and 1000");
        assert_eq!(
            router.max_connections(),
            1000,
            "a refused value leaves the old one"
        );
    }
}

#[test]
fn switch_takes_at_most_its_ports() {
    let mut switch = Switch::new("Main Switch", 24);
    assert_eq!(switch.port_count(), 24);
    assert_eq!(switch.max_connections(), 24);
    let err = switch.set_max_connections(30).unwrap_err();
    assert_eq!(err.to_string(), "Cannot Exceed port count of 24");
    assert_eq!(switch.max_connections(), 24);
    switch.set_max_connections(10).unwrap();
    assert_eq!(switch.max_connections(), 10);
    // As in the seed, only the upper bound is checked.
    switch.set_max_connections(0).unwrap();
    assert_eq!(
        Switch::new("Lab Switch", 8)
            .set_max_connections(9)
            .unwrap_err()
            .to_string(),
        "Cannot Exceed port count of 8"
    );
    // The seed's printed run, line for line.
    assert_eq!(
        abstract_properties::demo(),
        [
            "Office Router (Network Router): 100 connections",
            "Main Switch (Network Switch): 24 connections",
            "Updated router: Office Router (Network Router): 150 connections",
            "Error: Cannot Exceed port count of 24",
        ]
    );
}

#[test]
fn capabilities_checked_statically_and_queried_at_run_time() {
    let lines = duck_typing::demo();
    // The seed's printed run: the loop stops at the Boat.
    assert_eq!(
        lines[..3],
        [
            "Airplane Flying",
            "Duck Flying",
            "Exception occured 'Boat' object has no attribute 'fly'",
        ]
    );
    assert_eq!(make_flyable_objects_fly(&Duck), "Duck Flying");
    assert_eq!(Duck.swim(), "Duck Swimming");
    assert_eq!(Boat.swim(), "Boat Swimming");
    let err = try_fly(&Boat).unwrap_err();
    assert_eq!(err.to_string(), "'Boat' object has no attribute 'fly'");
    assert_eq!(try_fly(&Airplane).unwrap(), "Airplane Flying");
    assert!(duck_typing::Vehicle::as_swimmable(&Airplane).is_none());
    assert!(duck_typing::Vehicle::as_swimmable(&Duck).is_some());
    assert!(
        duck_typing::BOAT_CANNOT_FLY
            .starts_with("error[E0277]: the trait bound `Boat: Flyable` is not satisfied")
    );
}

#[test]
fn plugin_demo_shows_the_lifecycle() {
    let lines = plugin_architecture::demo();
    // The seed's printed run (Rust prints the bool as `true`) ...
    assert_eq!(
        lines[..7],
        [
            "Registering Authentication Plugin v1.1.0",
            "Initializing Authentication System",
            "Registering Logging Plugin v1.1.0",
            "Started Logging System",
            "[DEBUG] : User Logged In",
            "Authentication result: true",
            "Log result: [DEBUG] : User Logged In",
        ]
    );
    // ... then the clean-up that dropping the manager adds, newest plugin first.
    assert_eq!(
        lines[7..],
        [
            "Saved 1 log entries",
            "Cleaning up authentication resources"
        ]
    );
}

/// A plugin that cannot start.
#[derive(Default)]
struct Broken;

impl Plugin for Broken {
    fn name(&self) -> &str {
        "Broken"
    }
    fn version(&self) -> &str {
        "0.0.1"
    }
    fn initialize(&mut self) -> Result<String, PluginError> {
        Err(PluginError::Initialize {
            plugin: "Broken".to_owned(),
            reason: "no config".to_owned(),
        })
    }
    fn execute(&mut self, _: &Value) -> Result<Value, PluginError> {
        Ok(Value::Null)
    }
    fn cleanup(&mut self) -> String {
        "Broken cleaned up".to_owned()
    }
}

#[test]
fn manager_finds_by_type_refuses_failed_init_and_cleans_up_on_drop() {
    let journal = Journal::default();
    let mut manager = PluginManager::new(journal.clone());
    manager.register(AuthenticationPlugin::default()).unwrap();
    let err = manager.register(Broken).unwrap_err();
    assert_eq!(
        err.to_string(),
        "plugin Broken failed to initialize: no config"
    );
    assert_eq!(manager.names(), ["Authentication Plugin"]);
    assert!(manager.get::<LoggingPlugin>().is_none());
    let auth = manager.get::<AuthenticationPlugin>().unwrap();
    assert!(auth.authenticate("admin", "secret"));
    assert!(!auth.authenticate("root", "secret"));
    let bad_args = manager.execute("Authentication Plugin", &json!({"username": "admin"}));
    assert_eq!(
        bad_args.unwrap().unwrap_err().to_string(),
        "plugin Authentication Plugin: bad arguments: expected a text argument 'password'"
    );
    assert!(manager.execute("Nope", &json!({})).is_none());
    assert_eq!(
        journal.lines(),
        [
            "Registering Authentication Plugin v1.1.0",
            "Initializing Authentication System",
            "Registering Broken v0.0.1",
        ]
    );
    drop(manager);
    assert_eq!(
        journal.lines().last().unwrap(),
        "Cleaning up authentication resources"
    );
}

#[test]
fn uninitialized_plugins_refuse_to_run() {
    let mut logger = LoggingPlugin::default();
    assert_eq!(
        logger.execute(&json!({"message": "x"})).unwrap_err(),
        PluginError::NotInitialized("Logging Plugin".to_owned())
    );
    assert_eq!(logger.initialize().unwrap(), "Started Logging System");
    assert_eq!(
        logger.execute(&json!({"message": "x"})).unwrap(),
        json!("[INFO] : x")
    );
    // The seed upper-cases the level.
    assert_eq!(
        logger
            .execute(&json!({"message": "y", "level": "warning"}))
            .unwrap(),
        json!("[WARNING] : y")
    );
    assert_eq!(logger.written().len(), 2);
    assert_eq!(logger.cleanup(), "Saved 2 log entries");
}

#[test]
fn pipeline_processes_the_seed_batch() {
    let outcome = Pipeline::seed().process_batch(&seed_batch());
    assert_eq!(
        outcome.to_json(),
        json!(["hello world", 3.14, [1, 1, 3, 4, 5], null])
    );
    assert_eq!(outcome.errors, [(3, PipelineError::NoProcessor("dict"))]);
    // The seed's printed lines; the results print as JSON, not as Python's list repr.
    assert_eq!(
        pipeline::demo(),
        [
            "Processing Error : No processor found for datatype :<class 'dict'>",
            r#"Results: ["hello world",3.14,[1,1,3,4,5],null]"#,
        ]
    );
}

#[test]
fn pipeline_edge_cases() {
    let p = Pipeline::seed();
    assert_eq!(
        p.process_item(&Value::Null).unwrap_err().to_string(),
        "No processor found for datatype :<class 'NoneType'>"
    );
    // `True` is an int in Python, so the seed's number processor takes it.
    assert_eq!(p.process_item(&json!(true)).unwrap(), json!(1));
    assert_eq!(p.process_item(&json!(7)).unwrap(), json!(7));
    assert_eq!(
        p.process_item(&json!(["b", "a"])).unwrap(),
        json!(["a", "b"])
    );
    assert_eq!(
        p.process_item(&json!([2.5, 1, -3])).unwrap(),
        json!([-3, 1, 2.5])
    );
    // Python: sorted([1, "a"]) raises TypeError with this text.
    assert_eq!(
        p.process_item(&json!([1, "a"])),
        Err(PipelineError::Failed(
            "'<' not supported between instances of 'str' and 'int'".to_owned()
        ))
    );
    assert!(Pipeline::default().process_item(&json!("x")).is_err());
}

#[test]
fn rounding_matches_pythons_round() {
    // Python: round(2.675, 2) == 2.67 (2.675 is stored just below), round(0.125, 2) == 0.12
    // (an exact tie, to even), round(0.375, 2) == 0.38, round(-1.005, 2) == -1.0.
    assert_eq!(round2(3.14159), 3.14);
    assert_eq!(round2(2.675), 2.67);
    assert_eq!(round2(0.125), 0.12);
    assert_eq!(round2(0.375), 0.38);
    assert_eq!(round2(-1.005), -1.0);
}

/// A processor added from outside: the pipeline takes anything implementing the trait.
/// It takes the dict the seed's pipeline leaves unprocessed and counts its keys.
struct DictProcessor;

impl ItemProcessor for DictProcessor {
    fn validate(&self, item: &Value) -> Result<bool, String> {
        Ok(item.is_object())
    }
    fn process(&self, item: &Value) -> Result<Value, String> {
        let map = item.as_object().ok_or("expected a dict")?;
        Ok(json!(map.len()))
    }
}

#[test]
fn new_processors_plug_in() {
    let mut p = Pipeline::seed();
    p.add(Box::new(DictProcessor));
    let out = p.process_batch(&seed_batch());
    assert_eq!(
        out.to_json(),
        json!(["hello world", 3.14, [1, 1, 3, 4, 5], 1])
    );
    assert!(out.errors.is_empty());
    let out = p.process_batch(&[json!({"a": 1, "b": 2}), json!(null)]);
    assert_eq!(out.results, [Some(json!(2)), None]);
    assert_eq!(
        out.error_lines(),
        ["Processing Error : No processor found for datatype :<class 'NoneType'>"]
    );
}
