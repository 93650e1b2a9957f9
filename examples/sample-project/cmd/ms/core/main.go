// The core microservice of the sample project: answers /healthz with its version.
package main

import (
	"fmt"
	"log"
	"net/http"
)

var version = "dev" // set at build time: -ldflags "-X main.version=v1.2.3"

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintf(w, "core %s\n", version) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}
