//! The mapping between repositories and teams: `/rules` (pattern and
//! label rules) and `/labels` (the labels, and labels on repositories),
//! with the editors the onboarding wizard shares with them.

mod labels;
mod rules;

pub use labels::{AttacherData, LabelAttacher, LabelsPage};
pub use rules::{RulesData, RulesEditor, RulesPage};
