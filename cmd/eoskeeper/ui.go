package main

import (
	"fmt"
	"io"
)

// UI is where a command writes: results through Output, errors and warnings through Error
// and Warn. Each call writes one message and a newline.
type UI interface {
	Output(msg string)
	Error(msg string)
	Warn(msg string)
}

// streamUI writes results to out and errors and warnings to err.
type streamUI struct {
	out, err io.Writer
}

// Output writes msg and a newline to the output stream.
func (u streamUI) Output(msg string) { fmt.Fprintln(u.out, msg) }

// Error writes msg and a newline to the error stream.
func (u streamUI) Error(msg string) { fmt.Fprintln(u.err, msg) }

// Warn writes msg and a newline to the error stream.
func (u streamUI) Warn(msg string) { fmt.Fprintln(u.err, msg) }
