package main

import "bytes"

// testUI records what a command writes: results in OutputWriter, errors and warnings in
// ErrorWriter.
type testUI struct {
	OutputWriter *bytes.Buffer
	ErrorWriter  *bytes.Buffer
}

func newTestUI() *testUI {
	return &testUI{OutputWriter: new(bytes.Buffer), ErrorWriter: new(bytes.Buffer)}
}

func (u *testUI) Output(msg string) { u.OutputWriter.WriteString(msg + "\n") }
func (u *testUI) Error(msg string)  { u.ErrorWriter.WriteString(msg + "\n") }
func (u *testUI) Warn(msg string)   { u.ErrorWriter.WriteString(msg + "\n") }
