// Package notify delivers eoskeeper alerts to operators.
//
// An [Alert] names one fault by its Key and is either [Fired] or [Resolved]. The keeper hands
// every alert to a [Dispatcher] through [Dispatcher.Notify], which never blocks: alerts go into
// a bounded queue, and alerts that do not fit are counted and later reported as an alert of
// their own. The dispatcher's single loop de-duplicates by key (a fault that is already firing is
// not sent again), repeats firing faults every RepeatInterval, sends a resolved notice when a
// fault clears (only to channels that were told it fired), routes by severity or by how long a
// fault has been firing, and sends a scheduled status digest.
//
// Each [Channel] has its own worker goroutine with a bounded queue, a token-bucket rate limit
// and retries with exponential backoff on transient errors. A slow or failing channel therefore
// never delays the others or the caller. Different faults are never merged into one message:
// when a channel is rate limited, later messages wait for a token instead.
//
// Channels: WeCom group robot ([WeComRobot]), WeCom application message ([WeComApp]), SMS through
// an HTTP request template ([SMSTemplate]), Aliyun SMS ([AliyunSMS]), DingTalk robot
// ([DingTalk]), Telegram bot ([Telegram]), Slack incoming webhook ([Slack]), a generic JSON
// webhook ([Webhook]) and a local command ([Command]). Credentials are held as [Secret] values,
// which print as "<redacted>", and request URLs are stripped from transport errors, so keys and
// tokens never reach logs or error strings.
//
// Time is read through a [Clock], so tests can drive repeats, rate limits, retries and the
// digest with a fake clock (see package notifytest).
package notify
