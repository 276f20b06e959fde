//! Decision phrases (rule T2). Placeholder.
