//! Table tests for the entity rules.
