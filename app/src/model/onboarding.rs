//! The onboarding wizard's steps and the progress saved between visits.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Teams,
    Repositories,
    Mapping,
    Review,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::Teams, Step::Repositories, Step::Mapping, Step::Review];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Teams => "teams",
            Step::Repositories => "repositories",
            Step::Mapping => "mapping",
            Step::Review => "review",
        }
    }

    pub fn parse(text: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Teams => "Teams",
            Step::Repositories => "Repositories",
            Step::Mapping => "Mapping",
            Step::Review => "Review",
        }
    }

    /// 1-based, as the wizard shows it.
    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.number()).copied()
    }

    pub fn previous(self) -> Option<Step> {
        self.number().checked_sub(2).map(|i| Step::ALL[i])
    }
}

/// Where an organization is with its onboarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// Not finished: the step to resume at.
    At(Step),
    Finished,
    Skipped,
}

impl Progress {
    /// The step the wizard opens at without one in its address: the saved
    /// one, or the first once it was finished or skipped.
    pub fn resume_at(self) -> Step {
        match self {
            Progress::At(step) => step,
            Progress::Finished | Progress::Skipped => Step::Teams,
        }
    }

    /// How it is stored in the organization's settings.
    pub fn to_setting(self) -> String {
        match self {
            Progress::At(step) => step.as_str().to_owned(),
            Progress::Finished => "finished".to_owned(),
            Progress::Skipped => "skipped".to_owned(),
        }
    }

    /// A missing or unreadable setting is a wizard not yet started.
    pub fn from_setting(text: Option<&str>) -> Progress {
        match text {
            Some("finished") => Progress::Finished,
            Some("skipped") => Progress::Skipped,
            Some(other) => Progress::At(Step::parse(other).unwrap_or(Step::Teams)),
            None => Progress::At(Step::Teams),
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, Progress::At(_))
    }
}

/// What the wizard needs to show a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Onboarding {
    pub org_name: String,
    pub progress: Progress,
    /// Whether the member may change the organization's setup.
    pub may_manage: bool,
    pub team_count: u64,
    pub repository_count: u64,
    pub rule_count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_go_forward_and_back_and_progress_round_trips() {
        assert_eq!(Step::Teams.next(), Some(Step::Repositories));
        assert_eq!(Step::Review.next(), None);
        assert_eq!(Step::Teams.previous(), None);
        assert_eq!(Step::Mapping.previous(), Some(Step::Repositories));
        assert_eq!(Step::Mapping.number(), 3);
        for progress in [
            Progress::At(Step::Mapping),
            Progress::Finished,
            Progress::Skipped,
        ] {
            assert_eq!(
                Progress::from_setting(Some(&progress.to_setting())),
                progress
            );
        }
        assert_eq!(Progress::from_setting(None), Progress::At(Step::Teams));
        assert_eq!(
            Progress::from_setting(Some("garbage")),
            Progress::At(Step::Teams)
        );
    }
}
