//go:build tools

// The Go programs the action-tests run, built together from this one module by .ci/install-tools:
// one `go build` of all of them compiles the packages they share (client-go and the Kubernetes API
// types for kube-apiserver and helm, gRPC and the etcd client for kube-apiserver and etcd) once, and
// go.sum pins every module's checksum in the repository.
//
// To change a version: edit the require block (and, for Kubernetes, the staging replaces, which
// follow k8s.io/kubernetes's own go.mod), run `go mod tidy` here, and bump the matching *_VERSION in
// .ci/install-tools (the installer refuses a go.mod that disagrees with its pins).
package tools

import (
	_ "github.com/golang-migrate/migrate/v4/cmd/migrate"
	_ "helm.sh/helm/v3/cmd/helm"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
