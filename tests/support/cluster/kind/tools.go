//go:build tools

// Package tools pins the kind command.
package tools

import _ "sigs.k8s.io/kind"
