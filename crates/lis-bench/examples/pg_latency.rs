//! Scratch: statement latency on PostgreSQL (temporary).
use sea_orm::{ConnectionTrait, Statement};
use std::time::Instant;
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = lis_store::DatabaseUrl::parse("postgres://postgres@127.0.0.1:5432/postgres")
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = lis_store::connect(&url).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let be = db.get_database_backend();
    db.execute_unprepared("CREATE TABLE IF NOT EXISTS lis_bench_scratch_t (id bigint primary key, person_id bigint)")
        .await?;
    for n in [10usize, 100, 500, 1500] {
        let placeholders: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id FROM lis_bench_scratch_t WHERE person_id IN ({})",
            placeholders.join(",")
        );
        let mut times = Vec::new();
        for _ in 0..8 {
            let values: Vec<sea_orm::Value> = (0..n).map(|i| sea_orm::Value::from(i as i64)).collect();
            let t = Instant::now();
            db.query_all_raw(Statement::from_sql_and_values(be, &sql, values))
                .await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        eprintln!(
            "IN with {n} params: {:?}",
            times.iter().map(|t| format!("{t:.2}")).collect::<Vec<_>>()
        );
    }
    db.execute_unprepared("DROP TABLE lis_bench_scratch_t").await?;
    Ok(())
}
