//! The aspects of information security that LIS classifies, and a classification profile: one level per aspect.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// An aspect of information security.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Aspect {
    /// Konfidentialitet: only those entitled see the information.
    K,
    /// Riktighet: the information is correct and complete.
    R,
    /// Tillgänglighet: the information can be used when needed.
    T,
    /// Spårbarhet: who did what can be traced afterwards.
    S,
}

impl Aspect {
    /// Every aspect, in the order K, R, T, S.
    pub const ALL: [Aspect; 4] = [Self::K, Self::R, Self::T, Self::S];

    /// The aspect's letter.
    pub fn letter(self) -> char {
        match self {
            Self::K => 'K',
            Self::R => 'R',
            Self::T => 'T',
            Self::S => 'S',
        }
    }

    fn index(self) -> usize {
        match self {
            Self::K => 0,
            Self::R => 1,
            Self::T => 2,
            Self::S => 3,
        }
    }
}

impl fmt::Display for Aspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// A letter that is not one of K, R, T, S.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown aspect {0:?}; the aspects are K, R, T and S")]
pub struct UnknownAspect(pub String);

impl FromStr for Aspect {
    type Err = UnknownAspect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "K" | "k" => Ok(Self::K),
            "R" | "r" => Ok(Self::R),
            "T" | "t" => Ok(Self::T),
            "S" | "s" => Ok(Self::S),
            other => Err(UnknownAspect(other.to_owned())),
        }
    }
}

/// The highest level of the default scale (4, *synnerligen allvarlig*).
pub const MAX_LEVEL: u8 = 4;

/// The level at and above which a classification gives no requirements but routes to a separate analysis.
pub const SEPARATE_ANALYSIS_LEVEL: u8 = 4;

/// A level for each aspect: what a classification of a system or information set amounts to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Profile([u8; 4]);

impl Profile {
    /// A profile with the given levels for K, R, T and S.
    pub fn new(k: u8, r: u8, t: u8, s: u8) -> Self {
        Self([k, r, t, s])
    }

    /// The level of one aspect.
    pub fn level(&self, aspect: Aspect) -> u8 {
        self.0[aspect.index()]
    }

    /// Whether any aspect is at the level that routes to a separate analysis instead of requirements.
    pub fn needs_separate_analysis(&self) -> bool {
        self.0.iter().any(|level| *level >= SEPARATE_ANALYSIS_LEVEL)
    }

    /// Every profile with levels from 0 up to `max` on each aspect.
    pub fn all_up_to(max: u8) -> impl Iterator<Item = Profile> {
        let levels = 0..=max;
        levels.clone().flat_map(move |k| {
            let levels = 0..=max;
            levels
                .clone()
                .flat_map(move |r| (0..=max).flat_map(move |t| (0..=max).map(move |s| Profile::new(k, r, t, s))))
        })
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "K{} R{} T{} S{}", self.0[0], self.0[1], self.0[2], self.0[3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspects_and_profiles() {
        for aspect in Aspect::ALL {
            assert_eq!(aspect.letter().to_string().parse::<Aspect>(), Ok(aspect));
        }
        assert!("X".parse::<Aspect>().is_err());
        let profile = Profile::new(2, 1, 3, 0);
        assert_eq!((profile.level(Aspect::K), profile.level(Aspect::T)), (2, 3));
        assert_eq!(profile.to_string(), "K2 R1 T3 S0");
        assert!(!profile.needs_separate_analysis());
        assert!(Profile::new(0, 4, 0, 0).needs_separate_analysis());
        assert_eq!(Profile::all_up_to(3).count(), 256);
    }
}
