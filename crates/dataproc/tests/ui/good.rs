#![allow(dead_code, unused_imports)]
use dataproc::{InputData, Processor, ProcessingResult, ProcessorConfig, Result, processor};
use serde_json::Value;

pub struct EchoProcessor {
    config: ProcessorConfig,
}

#[processor]
impl Processor for EchoProcessor {
    const PROCESSOR_TYPE: &'static str = "echo";
    fn new(config: ProcessorConfig) -> Self {
        Self { config }
    }
    fn config(&self) -> &ProcessorConfig {
        &self.config
    }
    fn process(&self, data: &Value) -> Result<ProcessingResult> {
        Ok(ProcessingResult::new("x", InputData::Items(data.clone()), Value::Null, 0.0))
    }
}

fn main() {
    assert!(dataproc::registered().iter().any(|e| e.processor_type == "echo"));
}
