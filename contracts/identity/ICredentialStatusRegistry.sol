// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ICredentialStatusRegistry
/// @notice On-chain status of verifiable credentials, keyed by (issuer identity, credential id). Only the issuer
/// identity's current owner in the ERC-1056 DID registry may change a status, so rotating the issuer's DID key keeps
/// its credentials manageable. A credential nobody touched is Active.
/// @dev Reason codes (uint16):
/// 0 Unspecified, 1 KeyCompromise, 2 Superseded, 3 CessationOfOperation, 4 Fraud, 5 NumberPort, 6 Canceled,
/// 7 Expired, 8 VettingWithdrawn; 9..999 are reserved (rejected); >= 1000 are domain-specific.
interface ICredentialStatusRegistry {
    /// @notice Status of a credential. Revoked is final; Suspended is a hold that `reinstate` lifts.
    enum Status {
        Active,
        Suspended,
        Revoked
    }

    /// @notice One entry of a credential's status history.
    struct StatusChange {
        Status status;
        uint16 reason;
        uint64 at;
        uint64 blockNumber;
    }

    /// @notice Emitted on every status change.
    event CredentialStatusChanged(
        address indexed issuer,
        bytes32 indexed credentialId,
        Status status,
        uint16 reason,
        uint64 at
    );

    /// @notice Thrown when `actor` is not the current owner (`owner`) of the issuer identity in the DID registry.
    error NotIssuerOwner(address issuer, address actor, address owner);
    /// @notice Thrown when a change is not allowed from the credential's current status.
    error InvalidStatusTransition(address issuer, bytes32 credentialId, Status from, Status to);
    /// @notice Thrown when a reason code is in the reserved range 9..999.
    error ReservedReason(uint16 reason);
    /// @notice Thrown when the DID registry given to the constructor is the zero address.
    error ZeroDidRegistry();

    /// @notice Revokes a credential for good.
    /// @dev Requirements: the caller owns `issuer` in the DID registry; the credential is Active or Suspended; the
    /// reason is not reserved. Emits CredentialStatusChanged(Revoked).
    function revoke(address issuer, bytes32 credentialId, uint16 reason) external;

    /// @notice Puts an Active credential on hold.
    /// @dev Requirements: the caller owns `issuer`; the credential is Active; the reason is not reserved.
    /// Emits CredentialStatusChanged(Suspended).
    function suspend(address issuer, bytes32 credentialId, uint16 reason) external;

    /// @notice Lifts a suspension.
    /// @dev Requirements: the caller owns `issuer`; the credential is Suspended; the reason is not reserved.
    /// Emits CredentialStatusChanged(Active).
    function reinstate(address issuer, bytes32 credentialId, uint16 reason) external;

    /// @notice Current status, with the reason and time of the last change (Active, 0, 0 when never changed).
    function statusOf(
        address issuer,
        bytes32 credentialId
    ) external view returns (Status status, uint16 reason, uint64 since);

    /// @notice Every status change of the credential, oldest first.
    function historyOf(address issuer, bytes32 credentialId) external view returns (StatusChange[] memory);

    /// @notice The DID registry whose `identityOwner` decides who may change an issuer's credentials.
    function didRegistry() external view returns (address);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
