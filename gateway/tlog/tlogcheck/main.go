// tlogcheck computes Merkle roots, inclusion and consistency proofs with golang.org/x/mod/sumdb/tlog,
// checks signed checkpoints with golang.org/x/mod/sumdb/note, and checks and makes C2SP cosignatures
// with github.com/transparency-dev/formats/note: the independent implementations the audit log's
// tests compare against. Reads a JSON request on stdin, writes JSON on stdout.
package main

import (
	"encoding/base64"
	"encoding/json"
	"os"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type request struct {
	Leaves      []string   `json:"leaves"`
	Sizes       []int64    `json:"sizes"`
	Inclusion   [][2]int64 `json:"inclusion"`
	Consistency [][2]int64 `json:"consistency"`
	Note        string     `json:"note"`
	Vkey        string     `json:"vkey"`
	// A note with cosignatures, checked against the log key (Vkey) and these witness keys.
	CosignedNote string   `json:"cosignedNote"`
	WitnessKeys  []string `json:"witnessKeys"`
	// A cosigner key (signed-note skey) to cosign Note with.
	CosignerSkey string `json:"cosignerSkey"`
}

type response struct {
	Roots        map[int64]string `json:"roots"`
	Inclusion    [][]string       `json:"inclusion"`
	Consistency  [][]string       `json:"consistency"`
	NoteVerified bool             `json:"noteVerified"`
	NoteText     string           `json:"noteText"`
	CosignedBy   []string         `json:"cosignedBy"`
	Cosigned     string           `json:"cosigned"`
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func encode(hashes []tlog.Hash) []string {
	out := make([]string, len(hashes))
	for i, h := range hashes {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

func main() {
	var req request
	must(json.NewDecoder(os.Stdin).Decode(&req))
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, b64 := range req.Leaves {
		raw, err := base64.StdEncoding.DecodeString(b64)
		must(err)
		var h tlog.Hash
		copy(h[:], raw)
		more, err := tlog.StoredHashesForRecordHash(int64(i), h, reader)
		must(err)
		stored = append(stored, more...)
	}
	resp := response{Roots: map[int64]string{}}
	for _, n := range req.Sizes {
		h, err := tlog.TreeHash(n, reader)
		must(err)
		resp.Roots[n] = base64.StdEncoding.EncodeToString(h[:])
	}
	for _, q := range req.Inclusion {
		p, err := tlog.ProveRecord(q[1], q[0], reader)
		must(err)
		resp.Inclusion = append(resp.Inclusion, encode(p))
	}
	for _, q := range req.Consistency {
		p, err := tlog.ProveTree(q[1], q[0], reader)
		must(err)
		resp.Consistency = append(resp.Consistency, encode(p))
	}
	if req.Note != "" {
		v, err := note.NewVerifier(req.Vkey)
		must(err)
		n, err := note.Open([]byte(req.Note), note.VerifierList(v))
		if err == nil {
			resp.NoteVerified = true
			resp.NoteText = n.Text
		}
	}
	if req.CosignedNote != "" {
		verifiers := []note.Verifier{}
		logV, err := note.NewVerifier(req.Vkey)
		must(err)
		verifiers = append(verifiers, logV)
		for _, k := range req.WitnessKeys {
			v, err := fnote.NewVerifierForCosignatureV1(k)
			must(err)
			verifiers = append(verifiers, v)
		}
		n, err := note.Open([]byte(req.CosignedNote), note.VerifierList(verifiers...))
		must(err)
		for _, s := range n.Sigs {
			resp.CosignedBy = append(resp.CosignedBy, s.Name)
		}
	}
	if req.CosignerSkey != "" {
		signer, err := fnote.NewSignerForCosignatureV1(req.CosignerSkey)
		must(err)
		body := req.Note[:indexBody(req.Note)]
		out, err := note.Sign(&note.Note{Text: body}, signer)
		must(err)
		resp.Cosigned = string(out)
	}
	must(json.NewEncoder(os.Stdout).Encode(resp))
}

// indexBody is the length of a note's text: up to and including the newline before the blank line.
func indexBody(n string) int {
	for i := 0; i+1 < len(n); i++ {
		if n[i] == '\n' && n[i+1] == '\n' {
			return i + 1
		}
	}
	panic("note has no signature block")
}
