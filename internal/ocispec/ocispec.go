// Package ocispec holds the pure parts of the OCI Distribution and Image
// specifications the registry needs: repository names, tags, media types
// and manifest parsing with validation. No I/O; table-tested.
package ocispec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/jsoncheck"
)

// Media types the registry recognises as manifests.
const (
	MediaTypeOCIManifest    = "application/vnd.oci.image.manifest.v1+json"
	MediaTypeOCIIndex       = "application/vnd.oci.image.index.v1+json"
	MediaTypeDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
	MediaTypeDockerList     = "application/vnd.docker.distribution.manifest.list.v2+json"
	MediaTypeOCIEmpty       = "application/vnd.oci.empty.v1+json"
	MediaTypeOCIConfig      = "application/vnd.oci.image.config.v1+json"
	MediaTypeDockerConfig   = "application/vnd.docker.container.image.v1+json"
)

// IsImageConfigType reports whether mt is the config of a runnable image:
// OCI's image config, or Docker's v1 config (what docker and crane push by
// default). Any other config media type makes the manifest an artifact.
func IsImageConfigType(mt string) bool { return mt == MediaTypeOCIConfig || mt == MediaTypeDockerConfig }

// MaxManifestSize is the largest manifest accepted (4 MiB, as the spec suggests).
const MaxManifestSize = 4 << 20

// MaxNameLength bounds a full repository name (host excluded).
const MaxNameLength = 255

// ErrInvalid marks a name, tag or manifest that breaks the specification.
var ErrInvalid = errors.New("ocispec: invalid")

// invalidError is an ErrInvalid whose reason is fit for the client.
type invalidError struct{ reason string }

func (e *invalidError) Error() string        { return ErrInvalid.Error() + ": " + e.reason }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return &invalidError{reason: fmt.Sprintf(format, args...)}
}

// Reason returns what an ErrInvalid from this package says is wrong, in
// words for the client (no package prefix).
func Reason(err error) (string, bool) {
	var e *invalidError
	if errors.As(err, &e) {
		return e.reason, true
	}
	return "", false
}

var (
	nameRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$`)
	tagRE  = regexp.MustCompile(`^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$`)
)

// ValidateName checks a full OCI repository name against the spec's grammar.
func ValidateName(name string) error {
	if name == "" || len(name) > MaxNameLength {
		return invalidf("repository name must have 1-%d characters", MaxNameLength)
	}
	if !nameRE.MatchString(name) {
		return invalidf("repository name %q does not match the OCI name grammar", name)
	}
	return nil
}

// SplitName parses "<kodera repository>[/<image path>]" into its parts.
func SplitName(name string) (repo, image string, err error) {
	if err := ValidateName(name); err != nil {
		return "", "", err
	}
	repo, image, _ = strings.Cut(name, "/")
	return repo, image, nil
}

// JoinName is the inverse of SplitName.
func JoinName(repo, image string) string {
	if image == "" {
		return repo
	}
	return repo + "/" + image
}

// ValidTag reports whether s is a valid tag.
func ValidTag(s string) bool { return tagRE.MatchString(s) }

// IsDigest reports whether s parses as a digest the registry supports.
func IsDigest(s string) bool {
	_, err := blob.ParseDigest(s)
	return err == nil
}

// Descriptor is an OCI content descriptor.
type Descriptor struct {
	MediaType    string            `json:"mediaType"`
	Digest       string            `json:"digest"`
	Size         int64             `json:"size"`
	ArtifactType string            `json:"artifactType,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	Platform     *Platform         `json:"platform,omitempty"`
	URLs         []string          `json:"urls,omitempty"`
}

// Platform is an index entry's platform.
type Platform struct {
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	OSVersion    string   `json:"os.version,omitempty"`
	OSFeatures   []string `json:"os.features,omitempty"`
	Variant      string   `json:"variant,omitempty"`
}

// Manifest is the union of image manifests and indexes (OCI and Docker).
type Manifest struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType,omitempty"`
	ArtifactType  string            `json:"artifactType,omitempty"`
	Config        *Descriptor       `json:"config,omitempty"`
	Layers        []Descriptor      `json:"layers,omitempty"`
	Manifests     []Descriptor      `json:"manifests,omitempty"`
	Subject       *Descriptor       `json:"subject,omitempty"`
	Annotations   map[string]string `json:"annotations,omitempty"`
}

// Parsed is a validated manifest.
type Parsed struct {
	Manifest
	// MediaType is the effective media type (body field or Content-Type).
	MediaType string
	// Index is true for indexes and manifest lists.
	Index bool
}

// IsIndexType reports whether mt is an index or manifest list media type.
func IsIndexType(mt string) bool { return mt == MediaTypeOCIIndex || mt == MediaTypeDockerList }

// IsManifestType reports whether mt is an image manifest media type.
func IsManifestType(mt string) bool {
	return mt == MediaTypeOCIManifest || mt == MediaTypeDockerManifest
}

// Nondistributable reports whether a layer may live elsewhere (foreign
// layers): the registry does not require such blobs to be present.
func Nondistributable(mt string) bool {
	return strings.Contains(mt, "nondistributable") || strings.Contains(mt, "foreign")
}

// ParseManifest validates body as a manifest sent with contentType. digest
// is the digest the body will be stored under, so an index cannot list
// itself.
func ParseManifest(contentType string, body []byte, digest string) (Parsed, error) {
	if len(body) > MaxManifestSize {
		return Parsed{}, invalidf("manifest larger than %d bytes", MaxManifestSize)
	}
	// Stored as sent (the digest covers the bytes), so text PostgreSQL
	// refuses must be refused here, as MANIFEST_INVALID, not later as a
	// database error.
	if err := jsoncheck.Document(body); errors.Is(err, jsoncheck.ErrUTF8) || errors.Is(err, jsoncheck.ErrNUL) {
		return Parsed{}, invalidf("manifest: %v", err)
	}
	contentType = baseMediaType(contentType)
	if contentType == "application/json" || contentType == "application/octet-stream" {
		contentType = ""
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil {
		return Parsed{}, invalidf("manifest is not valid JSON: %v", err)
	}
	if dec.More() {
		return Parsed{}, invalidf("trailing data after the manifest")
	}
	if m.SchemaVersion != 2 {
		return Parsed{}, invalidf("schemaVersion must be 2")
	}
	mt := m.MediaType
	switch {
	case mt != "" && contentType != "" && contentType != mt:
		return Parsed{}, invalidf("mediaType %q disagrees with Content-Type %q", mt, contentType)
	case mt == "" && contentType != "":
		mt = contentType
	case mt == "" && m.Manifests != nil:
		mt = MediaTypeOCIIndex
	case mt == "":
		mt = MediaTypeOCIManifest
	}
	p := Parsed{Manifest: m, MediaType: mt}
	switch {
	case IsIndexType(mt):
		p.Index = true
		if m.Config != nil || m.Layers != nil {
			return Parsed{}, invalidf("an index has no config or layers")
		}
		for _, d := range m.Manifests {
			if err := checkDescriptor(d); err != nil {
				return Parsed{}, err
			}
			if d.Digest == digest {
				return Parsed{}, invalidf("an index cannot list itself")
			}
		}
	case IsManifestType(mt):
		if m.Config == nil {
			return Parsed{}, invalidf("an image manifest needs a config")
		}
		if m.Manifests != nil {
			return Parsed{}, invalidf("an image manifest has no manifests list")
		}
		if err := checkDescriptor(*m.Config); err != nil {
			return Parsed{}, err
		}
		for _, d := range m.Layers {
			if err := checkDescriptor(d); err != nil {
				return Parsed{}, err
			}
		}
	default:
		return Parsed{}, invalidf("unsupported manifest media type %q", mt)
	}
	if m.Subject != nil {
		if err := checkDescriptor(*m.Subject); err != nil {
			return Parsed{}, err
		}
	}
	return p, nil
}

func checkDescriptor(d Descriptor) error {
	if _, err := blob.ParseDigest(d.Digest); err != nil {
		return invalidf("descriptor digest %q is not a valid digest", d.Digest)
	}
	if d.Size < 0 {
		return invalidf("descriptor %s has a negative size", d.Digest)
	}
	if d.MediaType == "" {
		return invalidf("descriptor %s has no mediaType", d.Digest)
	}
	return nil
}

// EffectiveArtifactType is what the referrers API reports for a manifest:
// its artifactType, else (image manifests) its config media type.
func (p Parsed) EffectiveArtifactType() string {
	if p.ArtifactType != "" {
		return p.ArtifactType
	}
	if !p.Index && p.Config != nil {
		return p.Config.MediaType
	}
	return ""
}

// RealArtifactType is what makes the manifest an artifact rather than an
// image or index: its artifactType field, else (image manifests) a config
// media type that is neither image config; "" for images and plain indexes.
// Unlike EffectiveArtifactType, which the referrers API must report, it
// never names an image config.
func (p Parsed) RealArtifactType() string {
	if p.ArtifactType != "" {
		return p.ArtifactType
	}
	if !p.Index && p.Config != nil && !IsImageConfigType(p.Config.MediaType) {
		return p.Config.MediaType
	}
	return ""
}

// Blobs returns the blob descriptors the registry must hold for the
// manifest: the config and every distributable layer.
func (p Parsed) Blobs() []Descriptor {
	if p.Index {
		return nil
	}
	out := make([]Descriptor, 0, len(p.Layers)+1)
	out = append(out, *p.Config)
	for _, l := range p.Layers {
		if !Nondistributable(l.MediaType) {
			out = append(out, l)
		}
	}
	return out
}

// TotalSize sums what a pull of the manifest downloads.
func (p Parsed) TotalSize() int64 {
	var n int64
	if p.Config != nil {
		n += p.Config.Size
	}
	for _, l := range p.Layers {
		n += l.Size
	}
	for _, c := range p.Manifests {
		n += c.Size
	}
	return n
}

func baseMediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(mt)
}
