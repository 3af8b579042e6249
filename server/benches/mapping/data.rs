//! The organization the benchmark measures, generated from a fixed seed so
//! every run measures the same work: repository names and labels, pattern
//! and label rules, and manual decisions.

use app::server::org::mapping::engine::{Matcher, Override, Repository, Rule};

pub const AREAS: [&str; 12] = [
    "payments", "billing", "search", "auth", "web", "mobile", "data", "infra", "docs", "ml",
    "growth", "support",
];
pub const KINDS: [&str; 6] = ["api", "web", "worker", "lib", "cli", "infra"];

/// A small deterministic generator (xorshift), so runs compare.
pub struct Seeded(pub u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub fn repositories(count: usize, random: &mut Seeded) -> Vec<Repository> {
    (0..count)
        .map(|i| {
            let org = format!("org-{}", random.below(40));
            let area = AREAS[random.below(AREAS.len())];
            let kind = KINDS[random.below(KINDS.len())];
            let labels = (0..random.below(4))
                .map(|_| format!("label-{}", random.below(60)))
                .collect();
            Repository {
                id: i as i64 + 1,
                name: format!("{org}/{area}-{kind}-{i}"),
                labels,
            }
        })
        .collect()
}

pub fn rules(count: usize, random: &mut Seeded) -> Vec<Rule> {
    let patterns = count * 3 / 4;
    (0..count)
        .map(|i| {
            let matcher = if i < patterns {
                Matcher::Pattern(match i % 5 {
                    0 => format!("^org-{}/", random.below(40)),
                    1 => format!("/{}-", AREAS[random.below(AREAS.len())]),
                    2 => format!("-({}|{})-\\d*{}$", KINDS[i % 6], KINDS[(i + 1) % 6], i % 10),
                    3 => format!(
                        "^org-{}/{}.*",
                        random.below(40),
                        AREAS[random.below(AREAS.len())]
                    ),
                    _ => format!(
                        "(?-i)[a-z]+-{}-\\d{{2,3}}$",
                        KINDS[random.below(KINDS.len())]
                    ),
                })
            } else {
                Matcher::Label(format!("LABEL-{}", random.below(60)))
            };
            Rule {
                id: i as i64 + 1,
                team_id: (i % 25) as i64 + 1,
                matcher,
            }
        })
        .collect()
}

pub fn overrides(repositories: usize, random: &mut Seeded) -> Vec<Override> {
    (0..500)
        .map(|i| {
            let repository_id = random.below(repositories) as i64 + 1;
            let team_id = random.below(25) as i64 + 1;
            if i % 2 == 0 {
                Override::Assign {
                    repository_id,
                    team_id,
                }
            } else {
                Override::Exclude {
                    repository_id,
                    team_id,
                }
            }
        })
        .collect()
}
