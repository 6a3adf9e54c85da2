// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// State channels per operator pair for real-time balances (see IPaymentChannels for open, close, challenge, resume).
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IPaymentChannels} from "./IPaymentChannels.sol";

contract PaymentChannels is IPaymentChannels, EIP712, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant STATE_TYPEHASH = keccak256(
        "ChannelState(bytes32 channelId,uint64 version,uint256 balanceA,uint256 balanceB,uint256 depositA,uint256 depositB,bool isFinal,bytes32 batchId)"
    );
    bytes32 public constant BATCH_TYPEHASH = keccak256("ChannelStateBatch(bytes32 channelId,bytes32 root)");
    /// @inheritdoc IPaymentChannels
    uint256 public constant MAX_PROOF = 16;
    /// @inheritdoc IPaymentChannels
    uint32 public constant MIN_CHALLENGE = 60;
    /// @inheritdoc IPaymentChannels
    uint32 public constant MAX_CHALLENGE = 30 days;

    IConsortiumRegistry private immutable CONSORTIUM;
    mapping(bytes32 id => Channel) private _channels;

    constructor(IConsortiumRegistry consortium_) EIP712("PaymentChannels", "1") {
        if (address(consortium_) == address(0)) revert InvalidArgument("consortium");
        CONSORTIUM = consortium_;
    }

    /// @inheritdoc IPaymentChannels
    function version() external pure returns (string memory) {
        return "2.1.0";
    }

    /// @inheritdoc IPaymentChannels
    function channelIdOf(address memberA, address memberB, address token, bytes32 salt) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), memberA, memberB, token, salt));
    }

    /// @inheritdoc IPaymentChannels
    function stateDigest(State calldata state) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        STATE_TYPEHASH,
                        state.channelId,
                        state.version,
                        state.balanceA,
                        state.balanceB,
                        state.depositA,
                        state.depositB,
                        state.isFinal,
                        state.batchId
                    )
                )
            );
    }

    /// @inheritdoc IPaymentChannels
    function batchDigest(bytes32 channelId, bytes32 root) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(BATCH_TYPEHASH, channelId, root)));
    }

    /// @inheritdoc IPaymentChannels
    function channel(bytes32 channelId) external view returns (Channel memory) {
        return _channels[channelId];
    }

    /// @inheritdoc IPaymentChannels
    function checkState(
        State calldata state,
        bytes calldata sigA,
        bytes calldata sigB
    ) external view returns (address memberA, address memberB, address token) {
        Channel storage c = _channels[state.channelId];
        if (c.status == ChannelStatus.None) revert UnknownChannel(state.channelId);
        _checkState(c, state, sigA, sigB);
        return (c.memberA, c.memberB, c.token);
    }

    /// @inheritdoc IPaymentChannels
    function openChannel(
        address counterparty,
        address token,
        bytes32 salt,
        uint32 challengePeriod
    ) external returns (bytes32 channelId) {
        address caller = _operator();
        if (counterparty == caller) revert InvalidArgument("counterparty");
        if (!CONSORTIUM.hasRole(counterparty, Roles.MOBILE_OPERATOR)) revert NotAnOperator(counterparty);
        if (token == address(0)) revert InvalidArgument("token");
        if (challengePeriod < MIN_CHALLENGE || challengePeriod > MAX_CHALLENGE) {
            revert InvalidArgument("challengePeriod");
        }
        channelId = channelIdOf(caller, counterparty, token, salt);
        Channel storage c = _channels[channelId];
        if (c.status != ChannelStatus.None) revert ChannelExists(channelId);
        c.memberA = caller;
        c.memberB = counterparty;
        c.token = token;
        c.challengePeriod = challengePeriod;
        c.status = ChannelStatus.Open;
        emit ChannelOpened(channelId, caller, counterparty, token, salt, challengePeriod);
    }

    /// @inheritdoc IPaymentChannels
    function deposit(bytes32 channelId, uint256 amount) external nonReentrant {
        Channel storage c = _inStatus(channelId, ChannelStatus.Open);
        address member = _channelMember(channelId, c);
        if (amount == 0) revert InvalidArgument("amount");
        if (member == c.memberA) c.depositA += amount;
        else c.depositB += amount;
        emit ChannelDeposited(channelId, member, amount, c.depositA, c.depositB);
        IERC20(c.token).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IPaymentChannels
    function closeCooperatively(State calldata state, bytes calldata sigA, bytes calldata sigB) external nonReentrant {
        Channel storage c = _channels[state.channelId];
        if (c.status != ChannelStatus.Open && c.status != ChannelStatus.Closing) {
            revert WrongStatus(state.channelId, c.status);
        }
        _channelMember(state.channelId, c);
        if (!state.isFinal) revert NotFinal(state.channelId, state.version);
        if (state.version < c.version) revert StaleVersion(state.channelId, state.version, c.version);
        _checkState(c, state, sigA, sigB);
        _register(c, state);
        _payOut(state.channelId, c, true);
    }

    /// @inheritdoc IPaymentChannels
    function startClose(State calldata state, bytes calldata sigA, bytes calldata sigB) external {
        Channel storage c = _inStatus(state.channelId, ChannelStatus.Open);
        address member = _channelMember(state.channelId, c);
        if (state.version < c.version) revert StaleVersion(state.channelId, state.version, c.version);
        if (state.version == 0) {
            // Nothing co-signed yet: each member's deposits are its balance.
            if (state.balanceA != c.depositA || state.balanceB != c.depositB) {
                revert SumMismatch(state.channelId, state.balanceA + state.balanceB, c.depositA + c.depositB);
            }
            if (state.depositA != c.depositA || state.depositB != c.depositB) revert InvalidArgument("deposit");
        } else {
            _checkState(c, state, sigA, sigB);
        }
        _register(c, state);
        c.status = ChannelStatus.Closing;
        c.closesAt = uint64(block.timestamp) + c.challengePeriod;
        emit ChannelClosing(state.channelId, member, state.version, state.balanceA, state.balanceB, c.closesAt);
    }

    /// @inheritdoc IPaymentChannels
    function challenge(State calldata state, bytes calldata sigA, bytes calldata sigB) external {
        Channel storage c = _inStatus(state.channelId, ChannelStatus.Closing);
        address member = _channelMember(state.channelId, c);
        // solhint-disable-next-line gas-strict-inequalities
        if (block.timestamp >= c.closesAt) revert ChallengePeriod(state.channelId, c.closesAt, uint64(block.timestamp));
        // solhint-disable-next-line gas-strict-inequalities
        if (state.version <= c.version) revert StaleVersion(state.channelId, state.version, c.version);
        _checkState(c, state, sigA, sigB);
        _register(c, state);
        emit ChannelChallenged(state.channelId, member, state.version, state.balanceA, state.balanceB);
    }

    /// @inheritdoc IPaymentChannels
    function settle(bytes32 channelId) external nonReentrant {
        Channel storage c = _inStatus(channelId, ChannelStatus.Closing);
        _channelMember(channelId, c);
        if (block.timestamp < c.closesAt) revert ChallengePeriod(channelId, c.closesAt, uint64(block.timestamp));
        _payOut(channelId, c, false);
    }

    /// @inheritdoc IPaymentChannels
    function resume(bytes32 channelId) external {
        Channel storage c = _inStatus(channelId, ChannelStatus.Closing);
        address member = _channelMember(channelId, c);
        if (member == c.memberA) c.resumeA = true;
        else c.resumeB = true;
        bool resumed = c.resumeA && c.resumeB;
        if (resumed) {
            c.status = ChannelStatus.Open;
            c.closesAt = 0;
            c.resumeA = false;
            c.resumeB = false;
        }
        emit ChannelResumeRequested(channelId, member, resumed, c.version);
    }

    // ---- internals ----

    /// Balances sum to the deposits the state accounts for, each at most what that member deposited; both signed.
    function _checkState(Channel storage c, State calldata s, bytes calldata sigA, bytes calldata sigB) private view {
        if (s.balanceA + s.balanceB != s.depositA + s.depositB) {
            revert SumMismatch(s.channelId, s.balanceA + s.balanceB, s.depositA + s.depositB);
        }
        if (s.depositA > c.depositA || s.depositB > c.depositB) {
            revert SumMismatch(s.channelId, s.depositA + s.depositB, c.depositA + c.depositB);
        }
        bytes32 digest = stateDigest(s);
        _checkSigner(s.channelId, digest, sigA, c.memberA);
        _checkSigner(s.channelId, digest, sigB, c.memberB);
    }

    /// `sig` is r‖s‖v over `digest`, or r‖s‖v‖proof over the batch digest of the root `proof` takes `digest` to.
    function _checkSigner(bytes32 channelId, bytes32 digest, bytes calldata sig, address member) private view {
        bytes32 signed = digest;
        if (sig.length > 65) {
            uint256 steps = (sig.length - 65) / 32;
            if ((sig.length - 65) % 32 != 0 || steps > MAX_PROOF) revert BadSignature(channelId, member, address(0));
            bytes32 node = digest;
            for (uint256 i = 0; i < steps; ++i) {
                node = Hashes.commutativeKeccak256(node, bytes32(sig[65 + 32 * i:97 + 32 * i]));
            }
            signed = batchDigest(channelId, node);
        }
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(signed, sig[:sig.length < 65 ? sig.length : 65]);
        if (err != ECDSA.RecoverError.NoError || signer == address(0) || CONSORTIUM.memberOf(signer) != member) {
            revert BadSignature(channelId, member, signer);
        }
    }

    function _register(Channel storage c, State calldata s) private {
        c.version = s.version;
        c.balanceA = s.balanceA;
        c.balanceB = s.balanceB;
        c.stateDepositA = s.depositA;
        c.stateDepositB = s.depositB;
    }

    /// Pays the registered state, plus each member's deposits made after it; the channel is closed for good first.
    function _payOut(bytes32 channelId, Channel storage c, bool cooperative) private {
        uint256 payoutA = c.balanceA + (c.depositA - c.stateDepositA);
        uint256 payoutB = c.balanceB + (c.depositB - c.stateDepositB);
        c.status = ChannelStatus.Closed;
        c.closesAt = 0;
        emit ChannelSettled(channelId, c.version, payoutA, payoutB, cooperative);
        IERC20 token = IERC20(c.token);
        if (payoutA > 0) token.safeTransfer(c.memberA, payoutA);
        if (payoutB > 0) token.safeTransfer(c.memberB, payoutB);
    }

    /// The member the caller's account acts for; it must be an operator.
    function _operator() private view returns (address member) {
        member = CONSORTIUM.memberOf(msg.sender);
        if (member == address(0) || !CONSORTIUM.hasRole(msg.sender, Roles.MOBILE_OPERATOR)) {
            revert NotAnOperator(msg.sender);
        }
    }

    function _channelMember(bytes32 channelId, Channel storage c) private view returns (address member) {
        member = CONSORTIUM.memberOf(msg.sender);
        if (member == address(0) || (member != c.memberA && member != c.memberB)) {
            revert NotChannelMember(channelId, msg.sender);
        }
    }

    function _inStatus(bytes32 channelId, ChannelStatus wanted) private view returns (Channel storage c) {
        c = _channels[channelId];
        if (c.status == ChannelStatus.None) revert UnknownChannel(channelId);
        if (c.status != wanted) revert WrongStatus(channelId, c.status);
    }
}
