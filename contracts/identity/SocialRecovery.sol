// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Social recovery of did:ethr identities held in custody: m-of-n guardians, a delay the person can cancel in, and an
// operator guardian whose approvals wait out a cool-down after a SIM swap of the person's number.
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IEthereumDIDRegistry} from "./IEthereumDIDRegistry.sol";
import {ISocialRecovery} from "./ISocialRecovery.sol";

contract SocialRecovery is ISocialRecovery, EIP712, Nonces {
    struct Guardianship {
        address controller;
        uint8 threshold;
        uint32 delay;
        uint64 round;
        address operator;
        uint64 lastSimSwapAt;
        address[] guardians;
    }

    /// @inheritdoc ISocialRecovery
    uint256 public constant MAX_GUARDIANS = 10;
    bytes32 private constant ENROL_TYPEHASH = keccak256(
        "Enrol(address identity,address[] guardians,uint8 threshold,uint32 delay,address operator,uint256 nonce)"
    );
    bytes32 private constant CANCEL_TYPEHASH = keccak256("Cancel(address identity,uint256 nonce)");
    /// @inheritdoc ISocialRecovery
    uint32 public immutable SIM_SWAP_COOL_DOWN;
    /// @inheritdoc ISocialRecovery
    uint32 public immutable MIN_DELAY;
    IEthereumDIDRegistry private immutable DID_REGISTRY;

    mapping(address identity => Guardianship) private _guardianships;
    mapping(bytes32 recoveryId => Recovery) private _recoveries;
    mapping(bytes32 recoveryId => mapping(address guardian => bool)) private _approved;

    constructor(
        IEthereumDIDRegistry didRegistry_,
        uint32 simSwapCoolDown,
        uint32 minDelay
    ) EIP712("SocialRecovery", "1") {
        if (address(didRegistry_) == address(0)) revert ZeroDidRegistry();
        DID_REGISTRY = didRegistry_;
        SIM_SWAP_COOL_DOWN = simSwapCoolDown;
        MIN_DELAY = minDelay;
    }

    /// @inheritdoc ISocialRecovery
    function enrol(
        address identity,
        address[] calldata guardians,
        uint8 threshold,
        uint32 delay,
        address operator
    ) external {
        _enrol(msg.sender, identity, guardians, threshold, delay, operator);
    }

    /// @inheritdoc ISocialRecovery
    function enrolSigned(
        address identity,
        address[] calldata guardians,
        uint8 threshold,
        uint32 delay,
        address operator,
        address signer,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(
                ENROL_TYPEHASH,
                identity,
                keccak256(abi.encodePacked(guardians)),
                threshold,
                delay,
                operator,
                _useNonce(signer)
            )
        );
        _requireSignature(signer, structHash, signature);
        _enrol(signer, identity, guardians, threshold, delay, operator);
    }

    /// @inheritdoc ISocialRecovery
    function cancel(address identity) external {
        _cancel(msg.sender, identity);
    }

    /// @inheritdoc ISocialRecovery
    function cancelSigned(address identity, address signer, bytes calldata signature) external {
        _requireSignature(signer, keccak256(abi.encode(CANCEL_TYPEHASH, identity, _useNonce(signer))), signature);
        _cancel(signer, identity);
    }

    /// @inheritdoc ISocialRecovery
    function nonceOf(address signer) external view returns (uint256) {
        return nonces(signer);
    }

    /// @inheritdoc ISocialRecovery
    function propose(address identity, address newController) external returns (bytes32 recoveryId) {
        Guardianship storage g = _inCustody(identity);
        _requireGuardian(g, identity, msg.sender);
        if (newController == address(0) || newController == g.controller) {
            revert InvalidNewController(identity, newController);
        }
        recoveryId = _recoveryId(identity, g.round, newController);
        Recovery storage r = _recoveries[recoveryId];
        if (r.identity != address(0)) revert RecoveryExists(identity, recoveryId);
        r.identity = identity;
        r.newController = newController;
        r.round = g.round;
        emit RecoveryProposed(identity, recoveryId, newController, msg.sender, g.round);
        _approve(g, r, identity, recoveryId);
    }

    /// @inheritdoc ISocialRecovery
    function approve(address identity, bytes32 recoveryId) external {
        Guardianship storage g = _inCustody(identity);
        _requireGuardian(g, identity, msg.sender);
        Recovery storage r = _open(g, identity, recoveryId);
        _approve(g, r, identity, recoveryId);
    }

    /// @inheritdoc ISocialRecovery
    function execute(address identity, bytes32 recoveryId) external {
        Guardianship storage g = _inCustody(identity);
        Recovery storage r = _open(g, identity, recoveryId);
        (uint8 approvals, uint64 readyAt) = _status(g, r);
        if (approvals < g.threshold) revert ThresholdNotMet(recoveryId, approvals, g.threshold);
        // slither-disable-next-line timestamp
        if (block.timestamp < readyAt) revert RecoveryDelayRunning(recoveryId, readyAt);
        address newController = r.newController;
        g.controller = newController;
        ++g.round;
        emit RecoveryExecuted(identity, recoveryId, newController, msg.sender);
        DID_REGISTRY.changeOwner(identity, newController);
    }

    /// @inheritdoc ISocialRecovery
    function recordSimSwap(address identity) external {
        Guardianship storage g = _guardianships[identity];
        if (g.operator == address(0) || g.operator != msg.sender) revert NotOperator(identity, msg.sender);
        uint64 swappedAt = uint64(block.timestamp);
        g.lastSimSwapAt = swappedAt;
        emit SimSwapRecorded(identity, msg.sender, swappedAt, swappedAt + SIM_SWAP_COOL_DOWN);
    }

    /// @inheritdoc ISocialRecovery
    function release(address identity, address owner) external {
        Guardianship storage g = _controlledInCustody(identity);
        if (owner == address(0)) revert InvalidNewController(identity, owner);
        g.controller = owner;
        ++g.round;
        emit Released(identity, msg.sender, owner);
        DID_REGISTRY.changeOwner(identity, owner);
    }

    /// @inheritdoc ISocialRecovery
    function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) external {
        _controlledInCustody(identity);
        DID_REGISTRY.addDelegate(identity, delegateType, delegate, validity);
    }

    /// @inheritdoc ISocialRecovery
    function revokeDelegate(address identity, bytes32 delegateType, address delegate) external {
        _controlledInCustody(identity);
        DID_REGISTRY.revokeDelegate(identity, delegateType, delegate);
    }

    /// @inheritdoc ISocialRecovery
    function setAttribute(address identity, bytes32 name, bytes calldata value, uint256 validity) external {
        _controlledInCustody(identity);
        DID_REGISTRY.setAttribute(identity, name, value, validity);
    }

    /// @inheritdoc ISocialRecovery
    function revokeAttribute(address identity, bytes32 name, bytes calldata value) external {
        _controlledInCustody(identity);
        DID_REGISTRY.revokeAttribute(identity, name, value);
    }

    /// @inheritdoc ISocialRecovery
    function recoveryIdOf(address identity, address newController) external view returns (bytes32) {
        return _recoveryId(identity, _guardianships[identity].round, newController);
    }

    /// @inheritdoc ISocialRecovery
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
        )
    {
        Guardianship storage g = _guardianships[identity];
        return (g.controller, g.guardians, g.threshold, g.delay, g.operator, g.round);
    }

    /// @inheritdoc ISocialRecovery
    function recoveryOf(bytes32 recoveryId) external view returns (Recovery memory) {
        return _recoveries[recoveryId];
    }

    /// @inheritdoc ISocialRecovery
    function statusOf(bytes32 recoveryId) external view returns (uint8 approvals, uint64 readyAt) {
        Recovery storage r = _recoveries[recoveryId];
        if (r.identity == address(0)) return (0, 0);
        return _status(_guardianships[r.identity], r);
    }

    /// @inheritdoc ISocialRecovery
    function coolDownEndsOf(address identity) external view returns (uint64) {
        return _coolDownEnds(_guardianships[identity]);
    }

    /// @inheritdoc ISocialRecovery
    function didRegistry() external view returns (address) {
        return address(DID_REGISTRY);
    }

    /// @inheritdoc ISocialRecovery
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _enrol(
        address actor,
        address identity,
        address[] calldata guardians,
        uint8 threshold,
        uint32 delay,
        address operator
    ) private {
        Guardianship storage g = _guardianships[identity];
        address owner = DID_REGISTRY.identityOwner(identity);
        bool controls = owner == address(this) ? g.controller == actor : owner == actor;
        if (!controls) revert NotController(identity, actor);
        uint256 n = guardians.length;
        if (n == 0 || n > MAX_GUARDIANS) revert GuardianCount(n, MAX_GUARDIANS);
        if (threshold == 0 || threshold > n || (n >= 2 && threshold < 2)) revert InvalidThreshold(threshold, n);
        if (delay < MIN_DELAY) revert DelayTooShort(delay, MIN_DELAY);
        bool operatorNamed = operator == address(0);
        for (uint256 i = 0; i < n; ++i) {
            address guardian = guardians[i];
            if (guardian == address(0) || guardian == identity || guardian == actor) {
                revert InvalidGuardian(guardian);
            }
            for (uint256 j = 0; j < i; ++j) {
                if (guardians[j] == guardian) revert DuplicateGuardian(guardian);
            }
            if (guardian == operator) operatorNamed = true;
        }
        if (!operatorNamed) revert OperatorNotGuardian(operator);
        g.controller = actor;
        g.threshold = threshold;
        g.delay = delay;
        g.operator = operator;
        g.guardians = guardians;
        uint64 round = ++g.round;
        emit Enrolled(identity, actor, guardians, threshold, delay, operator, round);
    }

    function _cancel(address actor, address identity) private {
        Guardianship storage g = _guardianships[identity];
        if (g.controller == address(0)) revert NotEnrolled(identity);
        if (g.controller != actor) revert NotController(identity, actor);
        uint64 ended = g.round++;
        emit RecoveriesCancelled(identity, actor, ended);
    }

    function _requireSignature(address signer, bytes32 structHash, bytes calldata signature) private view {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(_hashTypedDataV4(structHash), signature);
        if (err != ECDSA.RecoverError.NoError || recovered != signer) revert BadSignature(signer, recovered);
    }

    function _approve(Guardianship storage g, Recovery storage r, address identity, bytes32 recoveryId) private {
        uint8 before = _validApprovals(g, r);
        if (msg.sender == g.operator) {
            uint64 coolDownEnds = _coolDownEnds(g);
            // slither-disable-next-line timestamp
            if (block.timestamp < coolDownEnds) revert OperatorCoolingDown(identity, msg.sender, coolDownEnds);
            if (_operatorApprovalValid(g, r)) revert AlreadyApproved(recoveryId, msg.sender);
            r.operatorApprovedAt = uint64(block.timestamp);
        } else {
            if (_approved[recoveryId][msg.sender]) revert AlreadyApproved(recoveryId, msg.sender);
            _approved[recoveryId][msg.sender] = true;
            ++r.approvals;
        }
        uint8 approvals = before + 1;
        emit RecoveryApproved(identity, recoveryId, msg.sender, approvals);
        if (approvals == g.threshold) {
            r.thresholdReachedAt = uint64(block.timestamp);
            emit RecoveryThresholdReached(identity, recoveryId, uint64(block.timestamp) + g.delay);
        }
    }

    function _status(
        Guardianship storage g,
        Recovery storage r
    ) private view returns (uint8 approvals, uint64 readyAt) {
        approvals = _validApprovals(g, r);
        if (approvals < g.threshold || r.thresholdReachedAt == 0) return (approvals, 0);
        uint64 from = r.thresholdReachedAt;
        // A SIM swap after the operator approved restarts the delay: the swap may be how the recovery was started.
        if (r.operatorApprovedAt != 0 && g.lastSimSwapAt > from) from = g.lastSimSwapAt;
        readyAt = from + g.delay;
    }

    function _validApprovals(Guardianship storage g, Recovery storage r) private view returns (uint8) {
        return r.approvals + (_operatorApprovalValid(g, r) ? 1 : 0);
    }

    /// An operator approval counts unless a SIM swap came after it (approvals inside a cool-down are refused).
    function _operatorApprovalValid(Guardianship storage g, Recovery storage r) private view returns (bool) {
        return r.operatorApprovedAt != 0 && r.operatorApprovedAt >= _coolDownEnds(g);
    }

    function _coolDownEnds(Guardianship storage g) private view returns (uint64) {
        return g.lastSimSwapAt == 0 ? 0 : g.lastSimSwapAt + SIM_SWAP_COOL_DOWN;
    }

    function _requireGuardian(Guardianship storage g, address identity, address actor) private view {
        address[] storage guardians = g.guardians;
        for (uint256 i = 0; i < guardians.length; ++i) {
            if (guardians[i] == actor) return;
        }
        revert NotGuardian(identity, actor);
    }

    function _inCustody(address identity) private view returns (Guardianship storage g) {
        g = _guardianships[identity];
        if (g.controller == address(0)) revert NotEnrolled(identity);
        address owner = DID_REGISTRY.identityOwner(identity);
        if (owner != address(this)) revert NotInCustody(identity, owner);
    }

    function _controlledInCustody(address identity) private view returns (Guardianship storage g) {
        g = _inCustody(identity);
        if (g.controller != msg.sender) revert NotController(identity, msg.sender);
    }

    function _open(
        Guardianship storage g,
        address identity,
        bytes32 recoveryId
    ) private view returns (Recovery storage r) {
        r = _recoveries[recoveryId];
        if (r.identity != identity || r.round != g.round) revert UnknownRecovery(identity, recoveryId);
    }

    function _recoveryId(address identity, uint64 round, address newController) private pure returns (bytes32) {
        return keccak256(abi.encode(identity, round, newController));
    }
}
