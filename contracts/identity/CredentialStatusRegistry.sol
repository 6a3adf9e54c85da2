// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Revocation and suspension of verifiable credentials, authorised through the issuer's did:ethr owner.
import {ICredentialStatusRegistry} from "./ICredentialStatusRegistry.sol";
import {IEthereumDIDRegistry} from "./IEthereumDIDRegistry.sol";

contract CredentialStatusRegistry is ICredentialStatusRegistry {
    IEthereumDIDRegistry private immutable DID_REGISTRY;
    mapping(bytes32 key => StatusChange[]) private _history;

    constructor(IEthereumDIDRegistry didRegistry_) {
        if (address(didRegistry_) == address(0)) revert ZeroDidRegistry();
        DID_REGISTRY = didRegistry_;
    }

    /// @inheritdoc ICredentialStatusRegistry
    function revoke(address issuer, bytes32 credentialId, uint16 reason) external {
        Status from = _authorise(issuer, credentialId, reason);
        if (from == Status.Revoked) revert InvalidStatusTransition(issuer, credentialId, from, Status.Revoked);
        _record(issuer, credentialId, Status.Revoked, reason);
    }

    /// @inheritdoc ICredentialStatusRegistry
    function suspend(address issuer, bytes32 credentialId, uint16 reason) external {
        Status from = _authorise(issuer, credentialId, reason);
        if (from != Status.Active) revert InvalidStatusTransition(issuer, credentialId, from, Status.Suspended);
        _record(issuer, credentialId, Status.Suspended, reason);
    }

    /// @inheritdoc ICredentialStatusRegistry
    function reinstate(address issuer, bytes32 credentialId, uint16 reason) external {
        Status from = _authorise(issuer, credentialId, reason);
        if (from != Status.Suspended) revert InvalidStatusTransition(issuer, credentialId, from, Status.Active);
        _record(issuer, credentialId, Status.Active, reason);
    }

    /// @inheritdoc ICredentialStatusRegistry
    function statusOf(
        address issuer,
        bytes32 credentialId
    ) external view returns (Status status, uint16 reason, uint64 since) {
        StatusChange[] storage history = _history[_key(issuer, credentialId)];
        if (history.length == 0) return (Status.Active, 0, 0);
        StatusChange storage last = history[history.length - 1];
        return (last.status, last.reason, last.at);
    }

    /// @inheritdoc ICredentialStatusRegistry
    function historyOf(address issuer, bytes32 credentialId) external view returns (StatusChange[] memory) {
        return _history[_key(issuer, credentialId)];
    }

    /// @inheritdoc ICredentialStatusRegistry
    function didRegistry() external view returns (address) {
        return address(DID_REGISTRY);
    }

    /// @inheritdoc ICredentialStatusRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _authorise(address issuer, bytes32 credentialId, uint16 reason) private view returns (Status current) {
        address owner = DID_REGISTRY.identityOwner(issuer);
        if (msg.sender != owner) revert NotIssuerOwner(issuer, msg.sender, owner);
        if (reason > 8 && reason < 1000) revert ReservedReason(reason);
        StatusChange[] storage history = _history[_key(issuer, credentialId)];
        return history.length == 0 ? Status.Active : history[history.length - 1].status;
    }

    function _record(address issuer, bytes32 credentialId, Status status, uint16 reason) private {
        uint64 at = uint64(block.timestamp);
        _history[_key(issuer, credentialId)].push(
            StatusChange({status: status, reason: reason, at: at, blockNumber: uint64(block.number)})
        );
        emit CredentialStatusChanged(issuer, credentialId, status, reason, at);
    }

    function _key(address issuer, bytes32 credentialId) private pure returns (bytes32) {
        return keccak256(abi.encode(issuer, credentialId));
    }
}
