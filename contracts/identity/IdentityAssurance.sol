// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Identity as a service (IDM-002: members vouch for salted fingerprints of subscribers' ID files) and social
// attestations (IDM-004: people and members attest salted claims about a person's DID). See IIdentityAssurance.
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {IIdentityAssurance} from "./IIdentityAssurance.sol";

contract IdentityAssurance is IIdentityAssurance {
    /// @notice Confidence points per standing attestation by a person.
    uint8 public constant PERSON_WEIGHT = 15;
    /// @notice Confidence points per standing attestation by a member (a vetted organisation).
    uint8 public constant ORGANISATION_WEIGHT = 35;

    IConsortiumRegistry private immutable CONSORTIUM;

    struct Tally {
        uint32 people;
        uint32 organisations;
    }

    mapping(bytes32 vouchId => Vouching) private _vouchings;
    mapping(bytes32 fingerprint => bytes32[] vouchIds) private _byFingerprint;
    mapping(bytes32 attestationId => Attestation) private _attestations;
    mapping(bytes32 key => Tally) private _tallies;

    error ZeroAddress();

    constructor(IConsortiumRegistry consortium_) {
        if (address(consortium_) == address(0)) revert ZeroAddress();
        CONSORTIUM = consortium_;
    }

    // ---- IDM-002 vouching ----

    /// @inheritdoc IIdentityAssurance
    function vouch(bytes32 fingerprint) external returns (bytes32 vouchId) {
        address member = _member(msg.sender);
        if (fingerprint == bytes32(0)) revert ZeroValue("fingerprint");
        vouchId = vouchIdOf(member, fingerprint);
        if (_vouchings[vouchId].member != address(0)) revert AlreadyVouched(vouchId);
        _vouchings[vouchId] = Vouching(member, uint64(block.timestamp), 0, fingerprint);
        _byFingerprint[fingerprint].push(vouchId);
        emit Vouched(vouchId, fingerprint, member);
    }

    /// @inheritdoc IIdentityAssurance
    function revokeVouching(bytes32 vouchId) external {
        Vouching storage v = _vouchings[vouchId];
        if (v.member == address(0)) revert UnknownVouching(vouchId);
        if (CONSORTIUM.memberOf(msg.sender) != v.member) revert NotTheVoucher(vouchId, msg.sender);
        if (v.revokedAt != 0) revert AlreadyRevoked(vouchId);
        v.revokedAt = uint64(block.timestamp);
        emit VouchRevoked(vouchId, v.fingerprint, v.member);
    }

    /// @inheritdoc IIdentityAssurance
    function vouchIdOf(address member, bytes32 fingerprint) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), member, fingerprint));
    }

    /// @inheritdoc IIdentityAssurance
    function vouching(bytes32 vouchId) external view returns (Vouching memory) {
        return _vouchings[vouchId];
    }

    /// @inheritdoc IIdentityAssurance
    function vouchingsOf(bytes32 fingerprint) external view returns (bytes32[] memory) {
        return _byFingerprint[fingerprint];
    }

    // ---- IDM-004 social attestations ----

    /// @inheritdoc IIdentityAssurance
    function attest(address subject, bytes32 claim) external returns (bytes32 attestationId) {
        address member = CONSORTIUM.memberOf(msg.sender);
        bool organisation = member != address(0);
        return _attest(organisation ? member : msg.sender, organisation, subject, claim);
    }

    /// @inheritdoc IIdentityAssurance
    function attestFor(
        address attester,
        address subject,
        bytes32 claim,
        bytes calldata signature
    ) external returns (bytes32 attestationId) {
        _member(msg.sender);
        _checkSignature(attester, attestDigest(attester, subject, claim), signature);
        // A person's key: a member's address signing here still counts as a person, never as the organisation.
        return _attest(attester, false, subject, claim);
    }

    /// @inheritdoc IIdentityAssurance
    function withdraw(bytes32 attestationId) external {
        Attestation storage a = _attestations[attestationId];
        if (a.attester == address(0)) revert UnknownAttestation(attestationId);
        address caller =
            a.organisation && CONSORTIUM.isMember(msg.sender) ? CONSORTIUM.memberOf(msg.sender) : msg.sender;
        if (caller != a.attester) revert NotTheAttester(attestationId, msg.sender);
        _withdraw(attestationId, a);
    }

    /// @inheritdoc IIdentityAssurance
    function withdrawFor(bytes32 attestationId, bytes calldata signature) external {
        _member(msg.sender);
        Attestation storage a = _attestations[attestationId];
        if (a.attester == address(0)) revert UnknownAttestation(attestationId);
        if (a.organisation) revert NotTheAttester(attestationId, msg.sender);
        _checkSignature(a.attester, withdrawDigest(attestationId), signature);
        _withdraw(attestationId, a);
    }

    /// @inheritdoc IIdentityAssurance
    function attestationIdOf(address attester, address subject, bytes32 claim) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), attester, subject, claim));
    }

    /// @inheritdoc IIdentityAssurance
    function attestation(bytes32 attestationId) external view returns (Attestation memory) {
        return _attestations[attestationId];
    }

    /// @inheritdoc IIdentityAssurance
    function attestDigest(address attester, address subject, bytes32 claim) public view returns (bytes32) {
        return
            keccak256(abi.encode("IdentityAssurance.attest", block.chainid, address(this), attester, subject, claim));
    }

    /// @inheritdoc IIdentityAssurance
    function withdrawDigest(bytes32 attestationId) public view returns (bytes32) {
        return keccak256(abi.encode("IdentityAssurance.withdraw", block.chainid, address(this), attestationId));
    }

    /// @inheritdoc IIdentityAssurance
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @inheritdoc IIdentityAssurance
    function confidenceOf(
        address subject,
        bytes32 claim
    ) external view returns (uint32 people, uint32 organisations, uint8 confidence) {
        Tally memory t = _tallies[_tallyKey(subject, claim)];
        uint256 score = uint256(t.people) * PERSON_WEIGHT + uint256(t.organisations) * ORGANISATION_WEIGHT;
        return (t.people, t.organisations, score > 100 ? 100 : uint8(score));
    }

    function _attest(
        address attester,
        bool organisation,
        address subject,
        bytes32 claim
    ) private returns (bytes32 attestationId) {
        if (subject == address(0)) revert ZeroValue("subject");
        if (claim == bytes32(0)) revert ZeroValue("claim");
        if (attester == subject) revert SelfAttestation(attester);
        attestationId = attestationIdOf(attester, subject, claim);
        if (_attestations[attestationId].attester != address(0)) revert DuplicateAttester(attestationId, attester);
        _attestations[attestationId] = Attestation(attester, organisation, uint64(block.timestamp), 0, subject, claim);
        Tally storage t = _tallies[_tallyKey(subject, claim)];
        if (organisation) t.organisations += 1;
        else t.people += 1;
        emit Attested(attestationId, subject, claim, attester, organisation, msg.sender);
    }

    function _withdraw(bytes32 attestationId, Attestation storage a) private {
        if (a.withdrawnAt != 0) revert AlreadyRevoked(attestationId);
        a.withdrawnAt = uint64(block.timestamp);
        Tally storage t = _tallies[_tallyKey(a.subject, a.claim)];
        if (a.organisation) t.organisations -= 1;
        else t.people -= 1;
        emit AttestationWithdrawn(attestationId, a.subject, a.claim, a.attester);
    }

    function _checkSignature(address attester, bytes32 digest, bytes calldata signature) private pure {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(
            MessageHashUtils.toEthSignedMessageHash(digest),
            signature
        );
        if (err != ECDSA.RecoverError.NoError || recovered != attester || attester == address(0)) {
            revert BadSignature(attester, recovered);
        }
    }

    function _member(address account) private view returns (address) {
        address member = CONSORTIUM.memberOf(account);
        if (member == address(0)) revert NotAMember(account);
        return member;
    }

    function _tallyKey(address subject, bytes32 claim) private pure returns (bytes32) {
        return keccak256(abi.encode(subject, claim));
    }
}
