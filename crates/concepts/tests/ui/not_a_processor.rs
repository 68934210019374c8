use concepts::abcs::pipeline::Pipeline;

struct Calculator;

fn main() {
    let mut pipeline = Pipeline::default();
    pipeline.add(Box::new(Calculator));
}
