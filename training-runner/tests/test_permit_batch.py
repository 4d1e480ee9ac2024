"""Batch permits: one signature per feed batch, a Merkle proof per record; the runner refuses a batch
with a record altered, removed, repeated or moved, and any record whose proof or signature fails."""
import base64

from fixtures import Signer, example, write_dataset

from termsgate_runner.permit_batch import verify_inclusion
from termsgate_runner.shards import iter_records
from termsgate_runner.verify import verify_dir

ALLOWED = {"qwen2.5-7b-instruct", "deepseek-r1", "llama-3.1-8b-instruct"}


def reasons(report) -> list[str]:
    return [q["reason"] for q in report.quarantined]


def test_every_record_of_whole_batches_verifies_for_every_size(tmp_path):
    gateway = Signer()
    records, seq = [], 1
    for size in (1, 2, 3, 5, 8, 13):
        records += gateway.batch([example(seq + i) for i in range(size)], seq)
        seq += size
    write_dataset(tmp_path, gateway, records)
    report = verify_dir(tmp_path, gateway.key, ALLOWED, move=False)
    assert report.quarantined == [] and report.verified == len(records)


def test_an_altered_record_is_refused_and_its_batch_kept_also_on_a_second_pass(tmp_path):
    gateway = Signer()
    batch = gateway.batch([example(i) for i in range(5)], 1)
    batch[2]["example"]["completion"] = "The capital of France is Berlin."
    write_dataset(tmp_path, gateway, batch)
    report = verify_dir(tmp_path, gateway.key, ALLOWED)
    assert report.verified == 4
    assert reasons(report) == ["digest mismatch (record altered after signing)"]
    again = verify_dir(tmp_path, gateway.key, ALLOWED)
    assert again.quarantined == [] and again.verified == 4, "the refused record still counts as present in its batch"


def test_an_altered_permit_field_or_proof_fails_the_batch_proof(tmp_path):
    gateway = Signer()
    batch = gateway.batch([example(i) for i in range(4)], 1)
    batch[0]["permit"]["batch"]["index"] = 1
    batch[1]["permit"]["batch"]["proof"] = batch[1]["permit"]["batch"]["proof"][::-1]
    write_dataset(tmp_path, gateway, batch)
    report = verify_dir(tmp_path, gateway.key, ALLOWED, move=False)
    got = {q["id"]: q["reason"] for q in report.quarantined}
    assert got[batch[0]["id"]].startswith("not in its permit batch")
    assert got[batch[1]["id"]].startswith("not in its permit batch")


def test_a_removed_record_refuses_its_batch(tmp_path):
    gateway = Signer()
    batch = gateway.batch([example(i) for i in range(5)], 1)
    other = gateway.batch([example(i) for i in range(5, 8)], 6)
    write_dataset(tmp_path, gateway, batch[:3] + batch[4:] + other)
    report = verify_dir(tmp_path, gateway.key, ALLOWED)
    assert reasons(report) == ["permit batch incomplete: 4 records of 5 (a record removed)"] * 4
    assert [r["id"] for r, _ in iter_records(tmp_path)] == [r["id"] for r in other], "other batches are untouched"


def test_reordered_or_repeated_records_refuse_their_batch(tmp_path):
    gateway = Signer()
    batch = gateway.batch([example(i) for i in range(4)], 1)
    write_dataset(tmp_path, gateway, [batch[0], batch[2], batch[1], batch[3]])
    assert reasons(verify_dir(tmp_path, gateway.key, ALLOWED, move=False)) == ["permit batch out of order (records moved)"] * 4
    write_dataset(tmp_path, gateway, batch + [batch[1]])
    assert reasons(verify_dir(tmp_path, gateway.key, ALLOWED, move=False)) == ["permit batch repeats a record"] * 5


def test_a_forged_batch_signature_or_root_is_refused(tmp_path):
    gateway, forger = Signer(), Signer()
    forged = forger.batch([example(i) for i in range(3)], 1)
    for r in forged:
        r["permit"]["key_id"] = gateway.key.key_id
    bent = gateway.batch([example(i) for i in range(3, 5)], 4)
    sig = bytearray(base64.urlsafe_b64decode(bent[0]["permit"]["batch"]["signature"] + "=="))
    sig[0] ^= 1
    for r in bent:
        r["permit"]["batch"]["signature"] = base64.urlsafe_b64encode(bytes(sig)).rstrip(b"=").decode()
    write_dataset(tmp_path, gateway, forged + bent)
    assert reasons(verify_dir(tmp_path, gateway.key, ALLOWED, move=False)) == ["bad signature (forged permit)"] * 5


def test_a_per_record_permit_of_the_old_format_is_refused(tmp_path):
    gateway = Signer()
    old = gateway.record(example(1), 1)
    old["permit"] = {k: v for k, v in old["permit"].items() if k != "batch"} | {"alg": "Ed25519", "signature": "AAAA"}
    write_dataset(tmp_path, gateway, [old])
    assert reasons(verify_dir(tmp_path, gateway.key, ALLOWED, move=False)) == ["unsupported permit algorithm"]


def test_inclusion_refuses_out_of_range_and_extra_hashes():
    leaf = b"\x00" * 32
    assert verify_inclusion(leaf, 0, 1, [], leaf)
    assert not verify_inclusion(leaf, 1, 1, [], leaf)
    assert not verify_inclusion(leaf, 0, 1, [leaf], leaf)
    assert not verify_inclusion(leaf, -1, 2, [leaf], leaf)
