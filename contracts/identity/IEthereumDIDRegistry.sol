// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IEthereumDIDRegistry
/// @notice ERC-1056 lightweight identity registry behind did:ethr. An identity is any address; until changed its owner
/// is itself. The owner may hand ownership on, add time-limited delegates and publish attributes (keys, service
/// endpoints) as events. Every change records the block in `changed[identity]` and each event carries the previous
/// such block (`previousChange`), so a resolver walks an identity's history backwards one block at a time.
/// @dev Signed variants let a relayer submit an owner's change: the owner signs
/// keccak256(0x19 0x00 ‖ registry ‖ nonce[owner] ‖ identity ‖ functionName ‖ args), args packed as in the call.
/// The function, event and mapping signatures match the stock ethr-did-resolver ABI exactly.
interface IEthereumDIDRegistry {
    /// @notice Emitted when `identity`'s owner becomes `owner`.
    event DIDOwnerChanged(address indexed identity, address owner, uint256 previousChange);
    /// @notice Emitted when a delegate is added (validTo in the future) or revoked (validTo = now).
    event DIDDelegateChanged(
        address indexed identity,
        bytes32 delegateType,
        address delegate,
        uint256 validTo,
        uint256 previousChange
    );
    /// @notice Emitted when an attribute is set (validTo = now + validity) or revoked (validTo = 0).
    event DIDAttributeChanged(
        address indexed identity,
        bytes32 name,
        bytes value,
        uint256 validTo,
        uint256 previousChange
    );

    /// @notice Thrown when `actor` is not the current owner of `identity`.
    error NotIdentityOwner(address identity, address actor);
    /// @notice Thrown when a signed change does not recover to the identity's current owner (`signer` is what it
    /// recovered to, address(0) for a malformed signature).
    error BadSignature(address identity, address signer);

    /// @notice The owner of `identity`, or `identity` itself when never changed.
    function owners(address identity) external view returns (address);
    /// @notice Expiry (unix seconds) of a delegate, keyed by keccak256(abi.encode(delegateType)) as in ERC-1056.
    function delegates(address identity, bytes32 delegateTypeHash, address delegate) external view returns (uint256);
    /// @notice The block of the last change to `identity` (0 if none).
    function changed(address identity) external view returns (uint256);
    /// @notice Replay counter of signed changes, per signing owner.
    function nonce(address owner) external view returns (uint256);

    /// @notice The current owner of `identity` (itself unless changed).
    function identityOwner(address identity) external view returns (address);
    /// @notice Whether `delegate` is an unexpired delegate of type `delegateType` for `identity`.
    function validDelegate(address identity, bytes32 delegateType, address delegate) external view returns (bool);

    /// @notice Transfers ownership of `identity` to `newOwner`.
    /// @dev Requirements: the caller is the current owner. Emits DIDOwnerChanged.
    function changeOwner(address identity, address newOwner) external;
    /// @notice `changeOwner` authorised by the owner's signature over "changeOwner" ‖ newOwner.
    /// @dev Requirements: the signature recovers to the current owner under its current nonce. Emits DIDOwnerChanged.
    function changeOwnerSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, address newOwner) external;
    /// @notice Makes `delegate` a delegate of type `delegateType` for `validity` seconds.
    /// @dev Requirements: the caller is the current owner. Emits DIDDelegateChanged.
    function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) external;
    /// @notice `addDelegate` signed over "addDelegate" ‖ delegateType ‖ delegate ‖ validity.
    /// @dev Requirements: a valid owner signature. Emits DIDDelegateChanged.
    function addDelegateSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 delegateType,
        address delegate,
        uint256 validity
    ) external;
    /// @notice Ends a delegate now.
    /// @dev Requirements: the caller is the current owner. Emits DIDDelegateChanged with validTo = block.timestamp.
    function revokeDelegate(address identity, bytes32 delegateType, address delegate) external;
    /// @notice `revokeDelegate` signed over "revokeDelegate" ‖ delegateType ‖ delegate.
    /// @dev Requirements: a valid owner signature. Emits DIDDelegateChanged.
    function revokeDelegateSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 delegateType,
        address delegate
    ) external;
    /// @notice Publishes attribute `name` = `value` for `validity` seconds (the value lives only in the event).
    /// @dev Requirements: the caller is the current owner. Emits DIDAttributeChanged.
    function setAttribute(address identity, bytes32 name, bytes calldata value, uint256 validity) external;
    /// @notice `setAttribute` signed over "setAttribute" ‖ name ‖ value ‖ validity.
    /// @dev Requirements: a valid owner signature. Emits DIDAttributeChanged.
    function setAttributeSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 name,
        bytes calldata value,
        uint256 validity
    ) external;
    /// @notice Revokes attribute `name` = `value`.
    /// @dev Requirements: the caller is the current owner. Emits DIDAttributeChanged with validTo = 0.
    function revokeAttribute(address identity, bytes32 name, bytes calldata value) external;
    /// @notice `revokeAttribute` signed over "revokeAttribute" ‖ name ‖ value.
    /// @dev Requirements: a valid owner signature. Emits DIDAttributeChanged.
    function revokeAttributeSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 name,
        bytes calldata value
    ) external;

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
