// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ISocialRecovery
/// @notice Social recovery of a did:ethr identity (ERC-1056): the person names guardians and a threshold m of n; a
/// recovery names a new controller, needs m guardian approvals, then waits the person's delay, during which the current
/// controller can cancel; then anyone executes and the identity's ERC-1056 owner becomes the new controller.
/// @dev Custody. ERC-1056 lets only an identity's owner change its owner (delegates cannot), so the contract must be
/// the owner: the person (the identity's owner) calls `enrol`, then `changeOwner(identity, this)` on the registry.
/// While in custody the person acts through the controller forwards (delegates, attributes) and can `release` the
/// identity to any owner; their signing keys appear in the DID document as delegates (veriKey, sigAuth).
/// `execute` hands ownership to the new controller, ending custody: the person re-arms with one registry call
/// `changeOwner(identity, this)` (the guardians stay enrolled, the new key is their controller).
///
/// Operator guardian. One guardian may be named the person's operator. Its agent, on a SIM swap of a number it knows
/// is enrolled (its own off-chain mapping; the chain learns only the identity address), calls `recordSimSwap`. During
/// the cool-down that follows, the operator's approvals are refused; an approval it gave before the swap is void; and
/// a recovery the operator approved counts its delay again from the swap.
///
/// Ids. A recovery's id is keccak256(abi.encode(identity, round, newController)): content derived, so every guardian
/// computes it; `round` moves on at each enrolment, cancellation and execution, which ends every older recovery.
interface ISocialRecovery {
    /// @notice A recovery: the new controller, the round it belongs to, approvals and timing.
    struct Recovery {
        address identity;
        address newController;
        uint64 round;
        /// Approvals of guardians other than the operator.
        uint8 approvals;
        /// When the operator approved (0: never); void if before the last SIM swap's cool-down ended.
        uint64 operatorApprovedAt;
        /// When valid approvals last reached the threshold (0: not reached).
        uint64 thresholdReachedAt;
    }

    /// @notice Emitted when `controller` enrols `identity` (or changes its guardians).
    event Enrolled(
        address indexed identity,
        address indexed controller,
        address[] guardians,
        uint8 threshold,
        uint32 delay,
        address operator,
        uint64 round
    );
    /// @notice Emitted when guardian `proposer` opens recovery `recoveryId` of `identity` to `newController`.
    event RecoveryProposed(
        address indexed identity,
        bytes32 indexed recoveryId,
        address newController,
        address proposer,
        uint64 round
    );
    /// @notice Emitted on each approval; `approvals` counts the valid approvals after it.
    event RecoveryApproved(address indexed identity, bytes32 indexed recoveryId, address guardian, uint8 approvals);
    /// @notice Emitted when valid approvals reach the threshold; execution is possible from `readyAt`.
    event RecoveryThresholdReached(address indexed identity, bytes32 indexed recoveryId, uint64 readyAt);
    /// @notice Emitted when the controller cancels every open recovery of `identity` (round `round` ends).
    event RecoveriesCancelled(address indexed identity, address controller, uint64 round);
    /// @notice Emitted when recovery `recoveryId` makes `newController` the ERC-1056 owner of `identity`.
    event RecoveryExecuted(
        address indexed identity,
        bytes32 indexed recoveryId,
        address newController,
        address executor
    );
    /// @notice Emitted when the operator records a SIM swap of `identity`'s number; its approvals wait `coolDownEnds`.
    event SimSwapRecorded(address indexed identity, address operator, uint64 swappedAt, uint64 coolDownEnds);
    /// @notice Emitted when the controller hands `identity` out of custody to `owner`.
    event Released(address indexed identity, address controller, address owner);

    /// @notice Thrown when the constructor gets no DID registry.
    error ZeroDidRegistry();
    /// @notice Thrown when `actor` is neither the identity's ERC-1056 owner nor (in custody) its controller.
    error NotController(address identity, address actor);
    /// @notice Thrown when the contract is not the ERC-1056 owner of `identity` (`owner` is).
    error NotInCustody(address identity, address owner);
    /// @notice Thrown when `identity` has no guardians enrolled.
    error NotEnrolled(address identity);
    /// @notice Thrown when `count` guardians are named (1 to `max` allowed).
    error GuardianCount(uint256 count, uint256 max);
    /// @notice Thrown when a guardian is address(0), the identity itself or its controller.
    error InvalidGuardian(address guardian);
    /// @notice Thrown when `guardian` is named twice.
    error DuplicateGuardian(address guardian);
    /// @notice Thrown when `threshold` is out of range for `count` guardians (1..n, and at least 2 when n >= 2).
    error InvalidThreshold(uint8 threshold, uint256 count);
    /// @notice Thrown when `delay` is below the contract's minimum `minDelay`.
    error DelayTooShort(uint32 delay, uint32 minDelay);
    /// @notice Thrown when the named `operator` is not one of the guardians.
    error OperatorNotGuardian(address operator);
    /// @notice Thrown when `actor` is not a guardian of `identity`.
    error NotGuardian(address identity, address actor);
    /// @notice Thrown when `actor` is not the operator guardian of `identity`.
    error NotOperator(address identity, address actor);
    /// @notice Thrown when the operator `operator` approves before `coolDownEnds` (a recent SIM swap).
    error OperatorCoolingDown(address identity, address operator, uint64 coolDownEnds);
    /// @notice Thrown when a recovery to `newController` is address(0) or the current controller.
    error InvalidNewController(address identity, address newController);
    /// @notice Thrown when `recoveryId` is not an open recovery of `identity` in the current round.
    error UnknownRecovery(address identity, bytes32 recoveryId);
    /// @notice Thrown when the recovery `recoveryId` already exists (approve it instead).
    error RecoveryExists(address identity, bytes32 recoveryId);
    /// @notice Thrown when `guardian` already holds a valid approval of `recoveryId`.
    error AlreadyApproved(bytes32 recoveryId, address guardian);
    /// @notice Thrown when `recoveryId` has `approvals` valid approvals of the `threshold` needed.
    error ThresholdNotMet(bytes32 recoveryId, uint8 approvals, uint8 threshold);
    /// @notice Thrown when `recoveryId`'s delay runs until `readyAt`.
    error RecoveryDelayRunning(bytes32 recoveryId, uint64 readyAt);
    /// @notice Thrown when a signed request does not recover to `signer` (`recovered` is what it recovered to).
    error BadSignature(address signer, address recovered);

    /// @notice Names `guardians`, `threshold`, `delay` (seconds) and the optional `operator` guardian for `identity`,
    /// with the caller as controller. Ends every open recovery.
    /// @dev Requirements: the caller is the identity's ERC-1056 owner, or its controller while in custody; 1..MAX
    /// distinct guardians, none zero, the identity or the caller; 1 <= threshold <= n and threshold >= 2 when n >= 2;
    /// delay >= minDelay; operator zero or a guardian. Emits Enrolled.
    function enrol(
        address identity,
        address[] calldata guardians,
        uint8 threshold,
        uint32 delay,
        address operator
    ) external;

    /// @notice `enrol` on behalf of `signer`, relayed by anyone (the person's agent): an EIP-712 signature
    /// (domain "SocialRecovery" "1") over Enrol(identity, guardians (keccak of the packed array), threshold, delay,
    /// operator, nonce) with the signer's current nonce.
    /// @dev Requirements: as `enrol` with `signer` as the caller; a valid signature. Emits Enrolled.
    function enrolSigned(
        address identity,
        address[] calldata guardians,
        uint8 threshold,
        uint32 delay,
        address operator,
        address signer,
        bytes calldata signature
    ) external;

    /// @notice Opens a recovery of `identity` to `newController`, counting the caller's approval; returns its id.
    /// @dev Requirements: custody; the caller is a guardian (the operator outside its cool-down); newController is
    /// not zero nor the controller; no such recovery in this round. Emits RecoveryProposed, RecoveryApproved and,
    /// when m = 1, RecoveryThresholdReached.
    function propose(address identity, address newController) external returns (bytes32 recoveryId);

    /// @notice Approves recovery `recoveryId` of `identity`.
    /// @dev Requirements: custody; an open recovery; the caller a guardian without a valid approval of it; the operator
    /// outside its cool-down. Emits RecoveryApproved, and RecoveryThresholdReached when this approval reaches m.
    function approve(address identity, bytes32 recoveryId) external;

    /// @notice Cancels every open recovery of `identity`.
    /// @dev Requirements: the caller is the controller. Emits RecoveriesCancelled.
    function cancel(address identity) external;

    /// @notice `cancel` on behalf of `signer`: an EIP-712 signature over Cancel(identity, nonce).
    /// @dev Requirements: `signer` is the controller; a valid signature. Emits RecoveriesCancelled.
    function cancelSigned(address identity, address signer, bytes calldata signature) external;

    /// @notice The next nonce of `signer`'s signed requests.
    function nonceOf(address signer) external view returns (uint256);

    /// @notice Makes the recovery's new controller the ERC-1056 owner of `identity` (custody ends).
    /// @dev Requirements: custody; an open recovery with m valid approvals whose delay has passed. Anyone may call.
    /// Emits RecoveryExecuted (and the registry's DIDOwnerChanged).
    function execute(address identity, bytes32 recoveryId) external;

    /// @notice Records a SIM swap of the number of `identity`, starting the operator's cool-down.
    /// @dev Requirements: the caller is the identity's operator guardian. Emits SimSwapRecorded.
    function recordSimSwap(address identity) external;

    /// @notice Hands `identity` out of custody to `owner` (the ERC-1056 owner becomes `owner`); ends open recoveries.
    /// @dev Requirements: custody; the caller is the controller. Emits Released.
    function release(address identity, address owner) external;

    /// @notice Controller forward of the registry's addDelegate (e.g. the person's signing key as veriKey/sigAuth).
    /// @dev Requirements: custody; the caller is the controller.
    function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) external;

    /// @notice Controller forward of the registry's revokeDelegate.
    /// @dev Requirements: custody; the caller is the controller.
    function revokeDelegate(address identity, bytes32 delegateType, address delegate) external;

    /// @notice Controller forward of the registry's setAttribute.
    /// @dev Requirements: custody; the caller is the controller.
    function setAttribute(address identity, bytes32 name, bytes calldata value, uint256 validity) external;

    /// @notice Controller forward of the registry's revokeAttribute.
    /// @dev Requirements: custody; the caller is the controller.
    function revokeAttribute(address identity, bytes32 name, bytes calldata value) external;

    /// @notice The id of a recovery of `identity` to `newController` in the identity's current round.
    function recoveryIdOf(address identity, address newController) external view returns (bytes32);
    /// @notice The enrolment of `identity`: controller, guardians, threshold, delay, operator and current round.
    function guardianshipOf(
        address identity
    )
        external
        view
        returns (
            address controller,
            address[] memory guardians,
            uint8 threshold,
            uint32 delay,
            address operator,
            uint64 round
        );
    /// @notice The recovery `recoveryId` (identity zero when unknown).
    function recoveryOf(bytes32 recoveryId) external view returns (Recovery memory);
    /// @notice Valid approvals of `recoveryId` now, and when it can execute (0: threshold not met).
    function statusOf(bytes32 recoveryId) external view returns (uint8 approvals, uint64 readyAt);
    /// @notice When the operator's current cool-down for `identity` ends (0: no SIM swap recorded).
    function coolDownEndsOf(address identity) external view returns (uint64);
    /// @notice The largest number of guardians.
    function MAX_GUARDIANS() external view returns (uint256);
    /// @notice The operator's cool-down after a SIM swap, seconds.
    function SIM_SWAP_COOL_DOWN() external view returns (uint32);
    /// @notice The shortest delay a person may choose, seconds.
    function MIN_DELAY() external view returns (uint32);
    /// @notice The ERC-1056 registry this contract acts on.
    function didRegistry() external view returns (address);
    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
