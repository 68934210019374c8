#![allow(dead_code, unused_imports)]
use dataproc::{InputData, Processor, ProcessingResult, ProcessorConfig, Result, processor};
use serde_json::Value;

pub struct SilentProcessor {
    config: ProcessorConfig,
}

#[processor]
impl Processor for SilentProcessor {
    const PROCESSOR_TYPE: &'static str = "silent";
    fn new(config: ProcessorConfig) -> Self {
        Self { config }
    }
    fn config(&self) -> &ProcessorConfig {
        &self.config
    }
}

fn main() {}
