//! `server bench`: seeds a fresh province and times the queries that must stay fast.
//! Figures are printed, never asserted; the HTTP load part lives in `scripts/bench.sh` (wrk).

use std::time::Instant;

use chrono::NaiveDate;
use sea_orm::DbErr;

pub async fn run(database_url: &str) -> Result<(), DbErr> {
    let db = app::db::connect(database_url).await?;
    app::db::migrate(&db).await?;
    let started = Instant::now();
    let report = app::db::seed::seed_if_empty(&db).await?;
    if report.seeded {
        println!("seed: {} units, {} members in {:.2?}", report.units, report.members, started.elapsed());
    } else {
        println!("seed: database already had data (use an empty DATABASE_URL to time seeding)");
    }
    let root = 1;
    let rounds = 50;
    let started = Instant::now();
    let mut count = 0;
    for _ in 0..rounds {
        count = app::units::service::active_member_counts(&db, &[root])
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .get(&root)
            .copied()
            .unwrap_or(0);
    }
    println!("subtree member count at province root: {count} members, {:.2?} per query", started.elapsed() / rounds);
    let on = NaiveDate::from_ymd_opt(2023, 12, 29).unwrap_or_default();
    let started = Instant::now();
    let ids = app::members::service::members_in_subtree_on(&db, root, on)
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    println!("historical subtree membership on {on}: {} members in {:.2?}", ids.len(), started.elapsed());
    let started = Instant::now();
    let extra = app::db::seed::grow_tree(&db, 50_000).await?;
    println!("grew the org tree by {extra} units in {:.2?}", started.elapsed());
    let started = Instant::now();
    for _ in 0..rounds {
        app::units::service::active_member_counts(&db, &[root]).await.map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    println!("subtree member count at root with 50k+ units: {:.2?} per query", started.elapsed() / rounds);
    Ok(())
}
