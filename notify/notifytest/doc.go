// Package notifytest provides test doubles for package notify: a Recorder channel that keeps
// every message it is sent, and a Clock whose time moves only when the test says so.
package notifytest
