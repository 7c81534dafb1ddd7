// Package hclconf holds the pieces of keeper.hcl decoding that do not depend on the shape of
// the configuration: the evaluation context with the env() and file() functions that keep
// secrets out of the file, the Secret string type that never prints its value, and duration
// conversion that reports errors at the attribute's position.
package hclconf
