//! Access-code figures on SQLite and PostgreSQL: minting a batch of 500 codes, and reading one
//! page of the codes table of an event that has 100,000 codes (first page, a page deep in the
//! table by cursor and by offset, a status filter, a search).
//!
//! `cargo run --release -p streamgate-bench --bin codes` (PostgreSQL from
//! `STREAMGATE_TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`).

use std::time::{Duration, Instant};

use streamgate_domain::{
    authz::Authorizer,
    model::{time, CodeQuery, CodeStatus, Event, PageRequest, Principal},
    service::Domain,
    testing::{self, TestDatabase},
};

const BATCH: i64 = 500;
const TABLE_CODES: i64 = 100_000;
const PAGE: u32 = 50;
const RUNS: usize = 30;

#[tokio::main]
async fn main() {
    println!("| backend | operation | median | p95 | runs |");
    println!("|---|---|---:|---:|---:|");
    bench(TestDatabase::sqlite(), "SQLite").await;
    match TestDatabase::postgres().await {
        Some(database) => bench(database, "PostgreSQL").await,
        None => eprintln!("PostgreSQL unreachable: its rows are missing"),
    }
}

async fn bench(database: TestDatabase, backend: &str) {
    let domain = Domain::new(database.store().await, Authorizer::default());
    let owner = testing::account_owner(&domain, "owner@bench.test").await;
    let batches = new_event(&domain, &owner, "Batches").await;
    let table = new_event(&domain, &owner, "Table").await;

    let mut timings = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        generate(&domain, &owner, &batches).await;
        timings.push(started.elapsed());
    }
    report(backend, "generate 500 codes (one transaction)", timings);

    // Fill the table event to 100,000 codes (timed as a whole, for the record).
    let started = Instant::now();
    for _ in 0..TABLE_CODES / BATCH {
        generate(&domain, &owner, &table).await;
    }
    println!(
        "| {backend} | fill an event to 100,000 codes | {:.1} s total | | 1 |",
        started.elapsed().as_secs_f64()
    );

    let page = |status, search: Option<&str>, page: PageRequest| CodeQuery {
        event_id: Some(table.id),
        status,
        search: search.map(String::from),
        page,
    };
    // A cursor halfway down the table, found once by walking with big pages.
    let mut halfway = PageRequest::first(500);
    for _ in 0..(TABLE_CODES / 2 / 500) {
        let walked = domain
            .codes()
            .list(&owner, page(None, None, halfway.clone()))
            .await;
        halfway.cursor = walked.unwrap().next_cursor;
    }
    halfway.limit = PAGE;
    let deep_offset = PageRequest {
        offset: (TABLE_CODES / 2) as u32,
        ..PageRequest::first(PAGE)
    };
    let cases = [
        (
            "codes table: first page of 50 + total",
            page(None, None, PageRequest::first(PAGE)),
        ),
        (
            "codes table: page at row 50,000 by cursor",
            page(None, None, halfway),
        ),
        (
            "codes table: page at row 50,000 by offset",
            page(None, None, deep_offset),
        ),
        (
            "codes table: first page, status = unused",
            page(Some(CodeStatus::Unused), None, PageRequest::first(PAGE)),
        ),
        (
            "codes table: first page, search \"ab\"",
            page(None, Some("ab"), PageRequest::first(PAGE)),
        ),
    ];
    for (name, query) in cases {
        let mut timings = Vec::new();
        for _ in 0..RUNS {
            let started = Instant::now();
            let listed = domain.codes().list(&owner, query.clone()).await.unwrap();
            timings.push(started.elapsed());
            assert!(!listed.items.is_empty() && listed.items.len() <= PAGE as usize);
        }
        report(backend, name, timings);
    }
    domain.close().await;
}

async fn new_event(domain: &Domain, owner: &Principal, title: &str) -> Event {
    let input = testing::new_event(title, time::now(), 8);
    testing::create_event(domain, owner, input).await
}

async fn generate(domain: &Domain, owner: &Principal, event: &Event) {
    testing::generate_codes(domain, owner, event, BATCH, Some("bench")).await;
}

fn report(backend: &str, name: &str, mut timings: Vec<Duration>) {
    timings.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(timings[timings.len() / 2]);
    let p95 = ms(timings[timings.len() * 95 / 100]);
    println!(
        "| {backend} | {name} | {median:.1} ms | {p95:.1} ms | {} |",
        timings.len()
    );
}
