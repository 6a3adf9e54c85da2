// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Data usage contracts, processor chains, subject revocation and batched consultation records (docs/datausage.md).
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {IDataUsage} from "./IDataUsage.sol";

contract DataUsage is IDataUsage {
    /// @dev Bounds the recipients a root names, so creation gas stays bounded.
    uint256 public constant MAX_RECIPIENTS = 16;
    /// @dev Bounds the processor chain, so isActive's walk up the parents stays bounded.
    uint8 public constant MAX_DEPTH = 8;

    IConsortiumRegistry private immutable CONSORTIUM;

    mapping(bytes32 id => UsageContract) private _contracts;
    mapping(bytes32 root => mapping(address recipient => bool)) private _recipients;
    mapping(bytes32 batchId => ConsultationBatch) private _batches;

    constructor(IConsortiumRegistry consortium_) {
        if (address(consortium_) == address(0)) revert ZeroDependency();
        CONSORTIUM = consortium_;
    }

    /// @inheritdoc IDataUsage
    function create(Terms calldata terms, uint8 maxDepth, address[] calldata recipients) external returns (bytes32 id) {
        _onlyMember();
        _checkTerms(terms, true);
        if (recipients.length > MAX_RECIPIENTS) revert TooManyRecipients(recipients.length, MAX_RECIPIENTS);
        if (maxDepth > MAX_DEPTH) revert DepthExceeded(bytes32(0), maxDepth, MAX_DEPTH);
        id = contractIdOf(msg.sender, terms);
        if (_contracts[id].controller != address(0)) revert ContractExists(id);
        _contracts[id] = UsageContract({
            controller: msg.sender,
            depth: 0,
            maxDepth: maxDepth,
            createdAt: uint64(block.timestamp),
            revokedAt: 0,
            parent: bytes32(0),
            root: id,
            subjectFingerprint: terms.subjectFingerprint,
            dataFingerprint: terms.dataFingerprint,
            policyFingerprint: terms.policyFingerprint,
            policyStructure: terms.policyStructure,
            consentHash: terms.consentHash,
            revocationCommitment: terms.revocationCommitment
        });
        emit ContractCreated(
            id,
            msg.sender,
            terms.subjectFingerprint,
            terms.dataFingerprint,
            terms.policyFingerprint,
            terms.policyStructure,
            terms.consentHash,
            maxDepth
        );
        for (uint256 i = 0; i < recipients.length; ++i) {
            if (!CONSORTIUM.isMember(recipients[i])) revert NotMember(recipients[i]);
            _recipients[id][recipients[i]] = true;
            emit RecipientAllowed(id, recipients[i]);
        }
    }

    /// @inheritdoc IDataUsage
    function transfer(bytes32 parent, address processor, Terms calldata terms) external returns (bytes32 id) {
        UsageContract storage p = _contracts[parent];
        address controller = p.controller;
        if (controller == address(0)) revert UnknownContract(parent);
        if (controller != msg.sender) revert NotController(parent, msg.sender, controller);
        bytes32 revoked = _revokedAncestor(parent);
        if (revoked != bytes32(0)) revert ContractInactive(parent, revoked);
        if (processor == msg.sender) revert SelfTransfer(processor);
        bytes32 root = p.root;
        if (!_recipients[root][processor] || !CONSORTIUM.isMember(processor)) {
            revert RecipientNotAllowed(root, processor);
        }
        uint8 depth = p.depth + 1;
        if (depth > p.maxDepth) revert DepthExceeded(parent, depth, p.maxDepth);
        _checkTerms(terms, false);
        id = childIdOf(msg.sender, parent, processor, terms);
        if (_contracts[id].controller != address(0)) revert ContractExists(id);
        _contracts[id] = UsageContract({
            controller: processor,
            depth: depth,
            maxDepth: p.maxDepth,
            createdAt: uint64(block.timestamp),
            revokedAt: 0,
            parent: parent,
            root: root,
            subjectFingerprint: p.subjectFingerprint,
            dataFingerprint: terms.dataFingerprint,
            policyFingerprint: terms.policyFingerprint,
            policyStructure: terms.policyStructure,
            consentHash: p.consentHash,
            revocationCommitment: terms.revocationCommitment
        });
        emit ContractTransferred(
            id,
            parent,
            root,
            msg.sender,
            processor,
            depth,
            terms.dataFingerprint,
            terms.policyFingerprint
        );
    }

    /// @inheritdoc IDataUsage
    function revoke(bytes32 id, bytes32 secret) external {
        UsageContract storage c = _contracts[id];
        if (c.controller == address(0)) revert UnknownContract(id);
        if (c.revokedAt != 0) revert AlreadyRevoked(id);
        if (keccak256(abi.encode(secret)) != c.revocationCommitment) revert BadRevocationSecret(id);
        c.revokedAt = uint64(block.timestamp);
        emit ContractRevoked(id, msg.sender, uint64(block.timestamp));
    }

    /// @inheritdoc IDataUsage
    function recordConsultations(bytes32 root, uint32 count) external returns (bytes32 batchId) {
        _onlyMember();
        if (root == bytes32(0) || count == 0) revert EmptyBatch();
        batchId = keccak256(abi.encode(msg.sender, root));
        if (_batches[batchId].recorder != address(0)) revert BatchExists(batchId);
        _batches[batchId] = ConsultationBatch({
            recorder: msg.sender,
            count: count,
            anchoredAt: uint64(block.timestamp),
            root: root
        });
        emit ConsultationsRecorded(batchId, msg.sender, root, count);
    }

    /// @inheritdoc IDataUsage
    function usageContract(bytes32 id) external view returns (UsageContract memory) {
        return _contracts[id];
    }

    /// @inheritdoc IDataUsage
    function isActive(bytes32 id) external view returns (bool) {
        return _contracts[id].controller != address(0) && _revokedAncestor(id) == bytes32(0);
    }

    /// @inheritdoc IDataUsage
    function revokedAncestor(bytes32 id) external view returns (bytes32) {
        return _revokedAncestor(id);
    }

    /// @inheritdoc IDataUsage
    function isAllowedRecipient(bytes32 root, address recipient) external view returns (bool) {
        return _recipients[root][recipient];
    }

    /// @inheritdoc IDataUsage
    function consultationBatch(bytes32 batchId) external view returns (ConsultationBatch memory) {
        return _batches[batchId];
    }

    /// @inheritdoc IDataUsage
    function verifyConsultation(bytes32 batchId, bytes32 leaf, bytes32[] calldata proof) external view returns (bool) {
        bytes32 root = _batches[batchId].root;
        return root != bytes32(0) && MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @inheritdoc IDataUsage
    function contractIdOf(address controller, Terms calldata terms) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), controller, terms));
    }

    /// @inheritdoc IDataUsage
    function childIdOf(
        address controller,
        bytes32 parent,
        address processor,
        Terms calldata terms
    ) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), controller, parent, processor, terms));
    }

    function _revokedAncestor(bytes32 id) private view returns (bytes32) {
        bytes32 current = id;
        // Bounded by MAX_DEPTH + 1 steps: every transfer adds one level, and maxDepth <= MAX_DEPTH.
        while (current != bytes32(0)) {
            UsageContract storage c = _contracts[current];
            if (c.revokedAt != 0) return current;
            current = c.parent;
        }
        return bytes32(0);
    }

    function _onlyMember() private view {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotMember(msg.sender);
    }

    function _checkTerms(Terms calldata terms, bool root) private pure {
        if (terms.nonce == bytes32(0)) revert EmptyFingerprint("nonce");
        if (terms.dataFingerprint == bytes32(0)) revert EmptyFingerprint("dataFingerprint");
        if (terms.policyFingerprint == bytes32(0)) revert EmptyFingerprint("policyFingerprint");
        if (terms.policyStructure == bytes32(0)) revert EmptyFingerprint("policyStructure");
        if (terms.revocationCommitment == bytes32(0)) revert EmptyFingerprint("revocationCommitment");
        if (root) {
            if (terms.subjectFingerprint == bytes32(0)) revert EmptyFingerprint("subjectFingerprint");
            if (terms.consentHash == bytes32(0)) revert EmptyFingerprint("consentHash");
        }
    }

    /// @inheritdoc IDataUsage
    function version() external pure returns (string memory) {
        return "1.0.0";
    }
}
