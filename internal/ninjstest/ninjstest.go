// Package ninjstest validates JSON against IPTC's ninjs 3.0 schema, loaded
// from ../shared/ninjs beside the checkout (there is no network in tests).
// Only tests import it.
package ninjstest

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Dir is the folder with IPTC's schema and test suite.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "ninjs")
}

// Schema compiles the ninjs 3.0 schema with the GeoJSON schema it refers to.
func Schema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for url, file := range map[string]string{
		"http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json": "ninjs-schema_3.0.json",
		"https://geojson.org/schema/GeoJSON.json":             "GeoJSON-schema.json",
	} {
		f, err := os.Open(filepath.Join(Dir(), file))
		if err != nil {
			t.Fatalf("the ninjs schema comes from ../shared beside the checkout: %v", err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := c.Compile("http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// Validate checks one JSON document against the schema.
func Validate(sch *jsonschema.Schema, data []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}
