// Package hclconf holds the pieces of keeper.hcl decoding that do not depend on the shape of
// the configuration: a Decoder that wraps gohcl so a time.Duration field takes a duration
// string and every attribute's position is recorded by path (so a configuration struct needs
// one field per setting), the evaluation context with the env() and file() functions that keep
// secrets out of the file, the Secret string type that never prints its value, and
// MarshalIndent, which prints a configuration with durations in their canonical spelling.
package hclconf
