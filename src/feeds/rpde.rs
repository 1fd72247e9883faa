//! Realtime Paged Data Exchange (RPDE, <https://openactive.io/realtime-paged-data-exchange/>),
//! "modified timestamp and ID" ordering.
//!
//! * Each item has `state` (`updated` | `deleted`), `kind`, `id`, `modified` and — when updated —
//!   `data`. `modified` is the row's `updated_at` in whole milliseconds since 1970 (UTC).
//! * Items are ordered by (`modified`, `id`); a page starts after the (`afterTimestamp`,
//!   `afterId`) of the last item of the previous page, whose `next` URL carries them. The last
//!   page has no items and a `next` equal to its own URL.
//! * Rows are stored with finer precision than a millisecond (microseconds in PostgreSQL,
//!   nanoseconds in SQLite), so several rows may share one `modified`. The pager therefore
//!   always reads a millisecond whole and orders inside it by id: a page may end in the middle
//!   of a millisecond and the next page picks up the rest by `afterId`, never repeating or
//!   skipping a row.
//! * Only changes older than [`COMMIT_DELAY`] are served: `updated_at` is taken before a
//!   transaction commits, so a slow transaction could otherwise commit a row *behind* a page a
//!   consumer has already read, and the consumer would never see it. Waiting two seconds lets
//!   every ordinary transaction land first. (A transaction that takes longer than that between
//!   stamping its rows and committing can still be missed.)
//! * Items that are gone (soft-deleted, or no longer public) are served as `deleted` for at
//!   least [`DELETED_RETENTION_DAYS`] days after their last change, then left out. Leaving
//!   rows out may make a page look empty while `next` still moves on (RPDE's "in-stream
//!   filtering"); the pager skips ahead through a few such pages before answering.

use crate::db::AnyConnection;
use crate::error::AppError;
use chrono::{DateTime, Duration, NaiveDateTime};
use diesel::QueryResult;
use serde::Serialize;

/// Items per page by default, and the most a client may ask for.
pub const PAGE_SIZE: usize = 500;
/// Changes younger than this are not served yet (see the module documentation).
pub const COMMIT_DELAY: Duration = Duration::seconds(2);
/// How long an item stays in a feed as `deleted`.
pub const DELETED_RETENTION_DAYS: i64 = 7;
/// The licence of the open data.
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";
/// The most rows read from one millisecond (a bulk change larger than this is cut).
const BUCKET_CAP: i64 = 50_000;
/// How many all-filtered pages one request skips through before answering.
const MAX_SKIPPED_PAGES: usize = 20;

/// A position in a feed: the `modified` and `id` of the last item read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Milliseconds since 1970 (UTC).
    pub modified: i64,
    pub id: i64,
}

/// The query of a feed page: where to start and how many items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageQuery {
    pub after: Option<Cursor>,
    /// As asked (kept in the `next` URL); [`PageQuery::limit`] applies the default.
    pub limit: Option<usize>,
}

fn bad(detail: &str) -> AppError {
    AppError::BadRequestDetail(detail.to_string())
}

impl PageQuery {
    /// Reads `afterTimestamp`, `afterId` and `limit` from a query string; a malformed value is
    /// a 400 that names the parameter.
    pub fn parse(query: &str) -> Result<PageQuery, AppError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|e| AppError::BadRequestDetail(format!("(query string: {e})")))?;
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_string())
        };
        let timestamp = match get("afterTimestamp") {
            None => None,
            Some(v) => {
                let ms: i64 = v.parse().map_err(|_| {
                    bad("afterTimestamp must be a whole number of milliseconds since 1970 (the `modified` of the last item).")
                })?;
                if ms < 0 || DateTime::from_timestamp_millis(ms).is_none() {
                    return Err(bad("afterTimestamp is out of range."));
                }
                Some(ms)
            }
        };
        let id =
            match get("afterId") {
                None => None,
                Some(v) => Some(v.parse::<i64>().map_err(|_| {
                    bad("afterId must be a whole number (the `id` of the last item).")
                })?),
            };
        let after = match (timestamp, id) {
            (Some(modified), Some(id)) => Some(Cursor { modified, id }),
            (None, None) => None,
            (Some(_), None) => return Err(bad("afterId is missing: it goes with afterTimestamp.")),
            (None, Some(_)) => return Err(bad("afterTimestamp is missing: it goes with afterId.")),
        };
        let limit = match get("limit") {
            None => None,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=PAGE_SIZE).contains(&n) => Some(n),
                _ => {
                    return Err(AppError::BadRequestDetail(format!(
                        "limit must be a whole number from 1 to {PAGE_SIZE}."
                    )))
                }
            },
        };
        Ok(PageQuery { after, limit })
    }

    /// Items per page.
    pub fn limit(&self) -> usize {
        self.limit.unwrap_or(PAGE_SIZE)
    }

    /// The URL of this page under `base` (parameters in a fixed order).
    pub fn url(&self, base: &str) -> String {
        let mut params = Vec::new();
        if let Some(c) = self.after {
            params.push(format!("afterTimestamp={}&afterId={}", c.modified, c.id));
        }
        if let Some(l) = self.limit {
            params.push(format!("limit={l}"));
        }
        if params.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", params.join("&"))
        }
    }
}

/// A page of a feed.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub next: String,
    pub items: Vec<Item>,
    pub license: &'static str,
}

/// One item of a feed.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// `updated` or `deleted`.
    pub state: &'static str,
    pub kind: &'static str,
    pub id: i64,
    /// Milliseconds since 1970 (UTC) of the last change.
    pub modified: i64,
    /// The item (absent when deleted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl Item {
    /// A live item.
    pub fn updated(
        kind: &'static str,
        id: i64,
        modified: NaiveDateTime,
        data: serde_json::Value,
    ) -> Self {
        Item {
            state: "updated",
            kind,
            id,
            modified: millis(modified),
            data: Some(data),
        }
    }

    /// A gone item, or `None` once it has been gone for longer than the retention.
    pub fn deleted(
        kind: &'static str,
        id: i64,
        modified: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Option<Self> {
        (modified >= now - Duration::days(DELETED_RETENTION_DAYS)).then(|| Item {
            state: "deleted",
            kind,
            id,
            modified: millis(modified),
            data: None,
        })
    }
}

/// A stored time as RPDE's `modified`: whole milliseconds since 1970 (rounded down).
pub fn millis(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp_millis()
}

/// The first instant of a millisecond.
fn millisecond_start(ms: i64) -> NaiveDateTime {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or(DateTime::UNIX_EPOCH)
        .naive_utc()
}

/// A db function listing rows changed after (time, id) up to a time, in (time, id) order.
pub type Fetch<T> =
    fn(&mut AnyConnection, NaiveDateTime, i64, NaiveDateTime, i64) -> QueryResult<Vec<T>>;

/// Every row whose change falls in the millisecond `ms` (and not after `until`), by id.
fn whole_millisecond<T>(
    conn: &mut AnyConnection,
    fetch: Fetch<T>,
    key: &impl Fn(&T) -> (NaiveDateTime, i64),
    ms: i64,
    until: NaiveDateTime,
) -> QueryResult<Vec<T>> {
    let start = millisecond_start(ms);
    // `> start or (= start and id > MIN)` is `>= start`; the last instant before the next
    // millisecond is inclusive (PostgreSQL truncates the nanosecond to its microsecond).
    let last = (start + Duration::milliseconds(1) - Duration::nanoseconds(1)).min(until);
    let mut rows = fetch(conn, start, i64::MIN, last, BUCKET_CAP)?;
    if rows.len() as i64 >= BUCKET_CAP {
        tracing::warn!(
            ms,
            "more than {BUCKET_CAP} feed rows changed in one millisecond"
        );
    }
    rows.sort_by_key(|r| key(r).1);
    Ok(rows)
}

/// The next `limit` rows after `after` in (millisecond, id) order, changed no later than
/// `until`.
pub fn rows_after<T>(
    conn: &mut AnyConnection,
    fetch: Fetch<T>,
    key: impl Fn(&T) -> (NaiveDateTime, i64),
    after: Option<Cursor>,
    limit: usize,
    until: NaiveDateTime,
) -> QueryResult<Vec<T>> {
    let mut out: Vec<T> = Vec::new();
    // The rest of the cursor's millisecond.
    let from = match after {
        Some(c) => {
            let mut rest = whole_millisecond(conn, fetch, &key, c.modified, until)?;
            rest.retain(|r| key(r).1 > c.id);
            out.extend(rest);
            millisecond_start(c.modified) + Duration::milliseconds(1)
        }
        None => DateTime::UNIX_EPOCH.naive_utc(),
    };
    if out.len() < limit {
        let want = limit - out.len();
        let mut batch = fetch(conn, from, i64::MIN, until, want as i64)?;
        if let Some(last) = batch.last() {
            if batch.len() >= want {
                // The last millisecond may go on past the batch: read it whole.
                let last_ms = millis(key(last).0);
                batch.retain(|r| millis(key(r).0) < last_ms);
                batch.extend(whole_millisecond(conn, fetch, &key, last_ms, until)?);
            }
            batch.sort_by_key(|r| {
                let (t, id) = key(r);
                (millis(t), id)
            });
            out.extend(batch);
        }
    }
    out.truncate(limit);
    Ok(out)
}

/// Reads a page of a feed: rows after the query's cursor, turned into items by `items_of`
/// (which may leave rows out). When every row of a page is left out, reads on (a few pages).
pub fn read_page<T>(
    conn: &mut AnyConnection,
    query: &PageQuery,
    base: &str,
    fetch: Fetch<T>,
    key: impl Fn(&T) -> (NaiveDateTime, i64),
    mut items_of: impl FnMut(&mut AnyConnection, &[T]) -> Result<Vec<Item>, AppError>,
    until: NaiveDateTime,
) -> Result<Page, AppError> {
    let mut after = query.after;
    let mut items = Vec::new();
    for _ in 0..MAX_SKIPPED_PAGES {
        let rows = rows_after(conn, fetch, &key, after, query.limit(), until)?;
        let Some(last) = rows.last() else {
            break;
        };
        let (t, id) = key(last);
        after = Some(Cursor {
            modified: millis(t),
            id,
        });
        items = items_of(conn, &rows)?;
        if !items.is_empty() {
            break;
        }
    }
    let next = PageQuery {
        after,
        limit: query.limit,
    };
    Ok(Page {
        next: next.url(base),
        items,
        license: LICENSE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_the_malformed_parameter() {
        let err = |q: &str| match PageQuery::parse(q) {
            Err(AppError::BadRequestDetail(d)) => d,
            other => panic!("{q}: expected a 400, got {other:?}"),
        };
        assert!(err("afterTimestamp=yesterday&afterId=3").contains("afterTimestamp"));
        assert!(err("afterTimestamp=1&afterId=x").contains("afterId"));
        assert!(err("afterTimestamp=1").contains("afterId"));
        assert!(err("limit=501").contains("limit"));
        assert_eq!(
            PageQuery::parse("afterTimestamp=1764000000000&afterId=7&limit=10").unwrap(),
            PageQuery {
                after: Some(Cursor {
                    modified: 1_764_000_000_000,
                    id: 7
                }),
                limit: Some(10)
            }
        );
        assert_eq!(PageQuery::parse("").unwrap(), PageQuery::default());
    }

    #[test]
    fn the_url_round_trips() {
        let q = PageQuery {
            after: Some(Cursor { modified: 5, id: 9 }),
            limit: Some(2),
        };
        let url = q.url("https://x.example/feed");
        assert_eq!(
            url,
            "https://x.example/feed?afterTimestamp=5&afterId=9&limit=2"
        );
        let query = url.split_once('?').unwrap().1;
        assert_eq!(PageQuery::parse(query).unwrap(), q);
        assert_eq!(PageQuery::default().url("/f"), "/f");
    }

    #[test]
    fn deleted_items_are_kept_for_a_week_then_left_out() {
        let now = chrono::Utc::now().naive_utc();
        assert!(Item::deleted("K", 1, now - Duration::days(6), now).is_some());
        assert!(Item::deleted("K", 1, now - Duration::days(8), now).is_none());
    }
}
