// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IBankMultisig
/// @notice The settlement bank role held by M of N signers (the seed's "multi-signature escrow" for the token's
/// exchange facility). The consortium's governors admit this contract as a member with SETTLEMENT_BANK (an ordinary
/// Admit proposal in the ConsortiumRegistry), so the consortium decides that it is a bank; its signers then mint settlement tokens
/// against fiat received and burn them against fiat paid out only when `threshold` distinct signers approved the same
/// operation (kind, member, amount, bank reference). The signer set and the threshold change by the same M-of-N rule.
interface IBankMultisig {
    enum OperationKind {
        Mint,
        Burn,
        SetSigners
    }

    error NotSigner(address account);
    error InvalidSigners(string why);
    error AlreadyApproved(bytes32 id, address signer);
    error OperationDone(bytes32 id);

    event OperationProposed(bytes32 indexed id, OperationKind kind, address member, uint256 amount, bytes32 bankRef);
    event OperationApproved(bytes32 indexed id, address indexed signer, uint256 approvals);
    event OperationExecuted(bytes32 indexed id);
    event SignersChanged(address[] signers, uint256 threshold);

    /// @notice The id of an operation: keccak256(chainid, this, kind, member, amount, bankRef, signersHash) where
    /// signersHash is keccak256(abi.encode(newSigners, newThreshold)) for SetSigners and zero otherwise.
    function operationId(
        OperationKind kind,
        address member,
        uint256 amount,
        bytes32 bankRef,
        bytes32 signersHash
    ) external view returns (bytes32);

    /// @notice A signer approves minting `amount` to `member` against fiat received under `bankRef`; executes at the
    /// threshold-th approval.
    function approveMint(address member, uint256 amount, bytes32 bankRef) external returns (bytes32 id);

    /// @notice A signer approves burning `amount` of this contract's balance as fiat is paid to `member` under
    /// `bankRef`; executes at the threshold-th approval.
    function approveBurn(address member, uint256 amount, bytes32 bankRef) external returns (bytes32 id);

    /// @notice A signer approves replacing the signers and threshold; executes at the current threshold.
    function approveSigners(address[] calldata newSigners, uint256 newThreshold) external returns (bytes32 id);

    function signers() external view returns (address[] memory);

    function threshold() external view returns (uint256);

    function approvals(bytes32 id) external view returns (uint256);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
