use concepts::abcs::plugin_architecture::{Journal, PluginManager};

struct Calculator;

fn main() {
    let mut manager = PluginManager::new(Journal::default());
    let _ = manager.register(Calculator);
}
