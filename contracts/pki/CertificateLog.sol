// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Witnessed checkpoints of the PKI transparency log (see ICertificateLog).
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {ICertificateLog} from "./ICertificateLog.sol";

contract CertificateLog is ICertificateLog {
    IConsortiumRegistry private immutable CONSORTIUM;
    bytes32 private immutable OPERATOR_ROLE;
    uint16 private immutable THRESHOLD;
    bytes32[] private _witnessRoles;
    uint64 private _latest;
    mapping(uint64 treeSize => Checkpoint) private _checkpoints;
    mapping(uint64 treeSize => mapping(address witness => bool)) private _cosigned;

    /// @param consortium_ Registry of members and roles.
    /// @param operatorRole_ Role whose holders anchor checkpoints (the issuer role).
    /// @param witnessRoles_ Roles whose holders co-sign.
    /// @param threshold_ Co-signatures a checkpoint needs.
    constructor(
        IConsortiumRegistry consortium_,
        bytes32 operatorRole_,
        bytes32[] memory witnessRoles_,
        uint16 threshold_
    ) {
        if (address(consortium_) == address(0)) revert InvalidLogArgument("consortium");
        if (witnessRoles_.length == 0) revert InvalidLogArgument("witnessRoles");
        if (threshold_ == 0) revert InvalidLogArgument("threshold");
        CONSORTIUM = consortium_;
        OPERATOR_ROLE = operatorRole_;
        _witnessRoles = witnessRoles_;
        THRESHOLD = threshold_;
    }

    /// @inheritdoc ICertificateLog
    function anchorCheckpoint(uint64 treeSize, bytes32 rootHash) external {
        if (!CONSORTIUM.hasRole(msg.sender, OPERATOR_ROLE)) revert NotTheLogOperator(msg.sender);
        if (treeSize <= _latest) revert CheckpointNotNewer(treeSize, _latest);
        if (rootHash == bytes32(0)) revert InvalidLogArgument("rootHash");
        _latest = treeSize;
        _checkpoints[treeSize] = Checkpoint(rootHash, msg.sender, 0, uint64(block.timestamp));
        emit CheckpointAnchored(treeSize, rootHash, msg.sender);
    }

    /// @inheritdoc ICertificateLog
    function cosignCheckpoint(uint64 treeSize, bytes32 rootHash) external {
        if (!_isWitness(msg.sender)) revert NotAWitness(msg.sender);
        Checkpoint storage c = _checkpoints[treeSize];
        if (c.rootHash == bytes32(0) || c.rootHash != rootHash) revert UnknownCheckpoint(treeSize, rootHash);
        if (_cosigned[treeSize][msg.sender]) revert AlreadyCosigned(treeSize, msg.sender);
        _cosigned[treeSize][msg.sender] = true;
        c.cosignatures += 1;
        emit CheckpointCosigned(treeSize, rootHash, msg.sender, c.cosignatures);
    }

    /// @inheritdoc ICertificateLog
    function checkpoint(uint64 treeSize) external view returns (Checkpoint memory) {
        return _checkpoints[treeSize];
    }

    /// @inheritdoc ICertificateLog
    function hasCosigned(uint64 treeSize, address witness) external view returns (bool) {
        return _cosigned[treeSize][witness];
    }

    /// @inheritdoc ICertificateLog
    function latestTreeSize() external view returns (uint64) {
        return _latest;
    }

    /// @inheritdoc ICertificateLog
    function witnessThreshold() external view returns (uint16) {
        return THRESHOLD;
    }

    /// @inheritdoc ICertificateLog
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _isWitness(address account) private view returns (bool) {
        uint256 n = _witnessRoles.length;
        for (uint256 i = 0; i < n; i++) {
            if (CONSORTIUM.hasRole(account, _witnessRoles[i])) return true;
        }
        return false;
    }
}
