// Package influx writes the keeper's status to InfluxDB in the seed's schema, over the HTTP
// line protocol of InfluxDB 1.x (/write?db=) or 2.x (/api/v2/write with a token).
//
// A [Writer] never blocks its caller: [Writer.Publish] and [Writer.Write] encode the point
// and append it to a bounded in-memory buffer. [Writer.Run] owns the only goroutine that
// talks to InfluxDB; it sends batches when a batch is full or the flush interval passes,
// retries transient failures (network errors, 5xx, 429) with exponential backoff, and drops
// batches InfluxDB rejects (other 4xx). While InfluxDB is down the buffer keeps the newest
// points and drops the oldest, counting every drop. InfluxDB trouble never reaches the keeper.
package influx
