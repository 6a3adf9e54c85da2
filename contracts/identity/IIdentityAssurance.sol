// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IIdentityAssurance
/// @notice Identity as a service (ITU IDM-002) and social attestations (IDM-004), with no personal data on chain.
/// Vouching: a member that verified a subscriber's ID file records a salted fingerprint of it
/// (keccak256 of a random 32-byte salt kept in the file and the canonical file); nothing names the person. Anyone given
/// the file recomputes the fingerprint and reads who vouched for it and whether that vouching still stands.
/// Attestations: people (the address of their did:ethr) and members attest a claim (the hash of a fact with a salt)
/// about a person's DID address. Members weigh more than people in the confidence (`confidenceOf`).
/// @dev Ids derive from content and creator: a vouching's id from (chain, contract, member, fingerprint), an
/// attestation's from (chain, contract, attester, subject, claim).
interface IIdentityAssurance {
    /// @notice A member's vouching for a fingerprint. `revokedAt` is 0 while it stands.
    struct Vouching {
        address member;
        uint64 vouchedAt;
        uint64 revokedAt;
        bytes32 fingerprint;
    }

    /// @notice An attestation. `organisation` is true when the attester is a member (a vetted organisation).
    struct Attestation {
        address attester;
        bool organisation;
        uint64 attestedAt;
        uint64 withdrawnAt;
        address subject;
        bytes32 claim;
    }

    /// @notice Emitted when `member` vouches for a fingerprint.
    event Vouched(bytes32 indexed vouchId, bytes32 indexed fingerprint, address indexed member);
    /// @notice Emitted when `member` revokes its vouching.
    event VouchRevoked(bytes32 indexed vouchId, bytes32 indexed fingerprint, address indexed member);
    /// @notice Emitted for every attestation; `relayer` is the member that sent a person's signed attestation (or the
    /// attester itself when it sent it).
    event Attested(
        bytes32 indexed attestationId,
        address indexed subject,
        bytes32 indexed claim,
        address attester,
        bool organisation,
        address relayer
    );
    /// @notice Emitted when an attester withdraws its attestation.
    event AttestationWithdrawn(
        bytes32 indexed attestationId,
        address indexed subject,
        bytes32 indexed claim,
        address attester
    );

    /// @notice Thrown when the caller is not a consortium member (vouching, relaying) .
    error NotAMember(address caller);
    /// @notice Thrown for a zero fingerprint, claim or subject.
    error ZeroValue(string field);
    /// @notice Thrown when this member has vouched for this fingerprint already (standing or revoked).
    error AlreadyVouched(bytes32 vouchId);
    /// @notice Thrown when no vouching has this id.
    error UnknownVouching(bytes32 vouchId);
    /// @notice Thrown when someone else than the vouching member revokes it.
    error NotTheVoucher(bytes32 vouchId, address caller);
    /// @notice Thrown when a vouching or attestation is revoked or withdrawn already.
    error AlreadyRevoked(bytes32 id);
    /// @notice Thrown when an attester attests about itself.
    error SelfAttestation(address attester);
    /// @notice Thrown when this attester attested this claim about this subject already (standing or withdrawn).
    error DuplicateAttester(bytes32 attestationId, address attester);
    /// @notice Thrown when a relayed attestation's or withdrawal's signature is not the attester's.
    error BadSignature(address attester, address recovered);
    /// @notice Thrown when no attestation has this id.
    error UnknownAttestation(bytes32 attestationId);
    /// @notice Thrown when someone else than the attester withdraws an attestation.
    error NotTheAttester(bytes32 attestationId, address caller);

    /// @notice The calling member vouches for an ID file's fingerprint. Returns `vouchIdOf(member, fingerprint)`.
    function vouch(bytes32 fingerprint) external returns (bytes32 vouchId);

    /// @notice The member that vouched revokes its vouching (final: the same member cannot vouch for it again).
    function revokeVouching(bytes32 vouchId) external;

    /// @notice The id of `member`'s vouching for `fingerprint`.
    function vouchIdOf(address member, bytes32 fingerprint) external view returns (bytes32);

    /// @notice A vouching by id (member zero when unknown).
    function vouching(bytes32 vouchId) external view returns (Vouching memory);

    /// @notice Every vouching id ever recorded for `fingerprint`, standing or revoked, in mining order.
    function vouchingsOf(bytes32 fingerprint) external view returns (bytes32[] memory);

    /// @notice The caller attests `claim` about `subject`: as a member (organisation) when its account is bound to a
    /// member, else as a person (its own address).
    function attest(address subject, bytes32 claim) external returns (bytes32 attestationId);

    /// @notice A member relays a person's attestation signed with the person's key: an EIP-191 signature over
    /// `attestDigest(attester, subject, claim)`.
    function attestFor(
        address attester,
        address subject,
        bytes32 claim,
        bytes calldata signature
    ) external returns (bytes32 attestationId);

    /// @notice The attester withdraws its attestation (final).
    function withdraw(bytes32 attestationId) external;

    /// @notice A member relays a person's withdrawal signed over `withdrawDigest(attestationId)` (EIP-191).
    function withdrawFor(bytes32 attestationId, bytes calldata signature) external;

    /// @notice The id of `attester`'s attestation of `claim` about `subject`.
    function attestationIdOf(address attester, address subject, bytes32 claim) external view returns (bytes32);

    /// @notice An attestation by id (attester zero when unknown).
    function attestation(bytes32 attestationId) external view returns (Attestation memory);

    /// @notice The 32-byte message a person signs (EIP-191 personal_sign) to attest.
    function attestDigest(address attester, address subject, bytes32 claim) external view returns (bytes32);

    /// @notice The 32-byte message a person signs (EIP-191 personal_sign) to withdraw.
    function withdrawDigest(bytes32 attestationId) external view returns (bytes32);

    /// @notice Standing attestations of `claim` about `subject` by people and by members, and the confidence 0-100:
    /// min(100, 15 x people + 35 x organisations).
    function confidenceOf(
        address subject,
        bytes32 claim
    ) external view returns (uint32 people, uint32 organisations, uint8 confidence);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
