"""Model: the content model, the step graph, validation, the JSON Schema."""
