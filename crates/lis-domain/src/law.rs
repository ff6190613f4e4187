//! Facts of the law that LIS reports against.

/// The ten minimum measures of cybersäkerhetslagen (SFS 2025:1506) 2 kap. 3 § (NIS2 article 21.2 a–j), by point
/// number, each named shortly in Swedish and in English (our wording, not the law's).
pub const CYBERSAKERHETSLAGEN_MEASURES: [(u8, &str, &str); 10] = [
    (
        1,
        "Riskanalys och säkerhetspolicyer för informationssystem",
        "Risk analysis and security policies for information systems",
    ),
    (2, "Hantering av incidenter", "Incident handling"),
    (
        3,
        "Kontinuitet, säkerhetskopior, återställning och krishantering",
        "Continuity, backups, recovery and crisis management",
    ),
    (4, "Säkerhet i leverantörskedjan", "Supply-chain security"),
    (
        5,
        "Säkerhet vid anskaffning, utveckling och underhåll, med hantering av sårbarheter",
        "Security in acquisition, development and maintenance, with vulnerability handling",
    ),
    (
        6,
        "Bedömning av om åtgärderna är effektiva",
        "Assessing whether the measures are effective",
    ),
    (
        7,
        "Grundläggande cyberhygien och utbildning",
        "Basic cyber hygiene and training",
    ),
    (8, "Kryptografi och kryptering", "Cryptography and encryption"),
    (
        9,
        "Personalsäkerhet, åtkomstkontroll och förvaltning av tillgångar",
        "Personnel security, access control and asset management",
    ),
    (
        10,
        "Flerfaktorsautentisering, kontinuerlig autentisering och skyddad kommunikation",
        "Multi-factor or continuous authentication and secured communications",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ten_points_are_numbered_one_to_ten_in_order() {
        let points: Vec<u8> = CYBERSAKERHETSLAGEN_MEASURES
            .iter()
            .map(|(point, _, _)| *point)
            .collect();
        assert_eq!(points, (1..=10).collect::<Vec<u8>>());
    }
}
