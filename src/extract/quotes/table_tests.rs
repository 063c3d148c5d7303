//! Table tests: one line per pattern of the issue.
